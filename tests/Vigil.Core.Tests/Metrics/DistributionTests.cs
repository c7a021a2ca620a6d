using Vigil.Core.Metrics;
using R = Vigil.Core.Tests.Metrics.SklearnReference;

namespace Vigil.Core.Tests.Metrics;

public class DistributionTests
{
    private const int Digits = 12;

    [Fact]
    public void Histogram_over_unit_range_matches_numpy_including_values_on_edges()
    {
        // Scores are k/20, so half of them sit exactly on a bin edge: the edge belongs to the bin on its right.
        var (s, _) = ReferenceInputs.TiesMedium();
        var h = Histogram.Compute(s, 10, 0.0, 1.0);
        Assert.Equal(R.TiesMediumHistEdges, h.BinEdges);
        Assert.Equal(R.TiesMediumHistCounts, h.Counts);
        Assert.Equal((0, 0), (h.Underflow, h.Overflow));
    }

    [Fact]
    public void Histogram_over_the_data_range_matches_numpy()
    {
        var (s, _) = ReferenceInputs.ErrorsLarge();
        var h = Histogram.Compute(s, 7);
        Assert.Equal(R.ErrorsLargeHistEdges, h.BinEdges);
        Assert.Equal(R.ErrorsLargeHistCounts, h.Counts);
        Assert.Equal(s.Length, h.Counts.Sum());
    }

    [Fact]
    public void Histogram_counts_out_of_range_values_separately_and_closes_the_last_bin()
    {
        var h = Histogram.Compute([-0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0], 2, 0.0, 1.0);
        Assert.Equal([0.0, 0.5, 1.0], h.BinEdges);
        Assert.Equal([2, 2], h.Counts); // [0, 0.5) holds 0 and 0.25; [0.5, 1] holds 0.5 and 1.0
        Assert.Equal(1, h.Underflow);
        Assert.Equal(2, h.Overflow);
    }

    [Fact]
    public void Histogram_of_constant_values_widens_the_range_like_numpy()
    {
        var h = Histogram.Compute([3.0, 3.0, 3.0], 2);
        Assert.Equal([2.5, 3.0, 3.5], h.BinEdges);
        Assert.Equal([0, 3], h.Counts);
    }

    [Fact]
    public void Score_histogram_splits_normal_and_anomalous_on_shared_bins()
    {
        var (s, y) = ReferenceInputs.TiesMedium();
        var h = ScoreHistogram.Compute(s, y, 10, 0.0, 1.0);
        Assert.Equal(R.TiesMediumHistEdges, h.BinEdges);
        Assert.Equal(R.TiesMediumNormalCounts, h.Normal);
        Assert.Equal(R.TiesMediumAnomalousCounts, h.Anomalous);
    }

    [Theory]
    [InlineData("TiesMedium")]
    [InlineData("ErrorsLarge")]
    public void Mean_std_and_percentiles_match_numpy(string name)
    {
        var (values, mean, std, qs, expected) = name == "TiesMedium"
            ? (ReferenceInputs.TiesMedium().Scores, R.TiesMediumMean, R.TiesMediumStd, R.TiesMediumPercentileQs, R.TiesMediumPercentiles)
            : (ReferenceInputs.ErrorsLarge().Scores, R.ErrorsLargeMean, R.ErrorsLargeStd, R.ErrorsLargePercentileQs, R.ErrorsLargePercentiles);
        Assert.Equal(mean, Descriptive.Mean(values), Digits);
        Assert.Equal(std, Descriptive.StandardDeviation(values), Digits);
        double[] actual = Descriptive.Percentiles(values, qs);
        for (int i = 0; i < qs.Length; i++) Assert.Equal(expected[i], actual[i], Digits);

        var summary = Descriptive.Summarize(values);
        Assert.Equal(values.Length, summary.Count);
        Assert.Equal(expected[3], summary.Median, Digits);
        Assert.Equal(expected[6], summary.P99, Digits);
        Assert.Equal(values.Min(), summary.Min);
        Assert.Equal(values.Max(), summary.Max);
    }

    [Fact]
    public void Percentile_interpolates_linearly_between_ranks()
    {
        double[] v = [4.0, 1.0, 3.0, 2.0];
        // Sorted 1,2,3,4; rank h = 3·p/100.
        Assert.Equal(1.0, Descriptive.Percentile(v, 0));
        Assert.Equal(2.5, Descriptive.Percentile(v, 50), Digits);
        Assert.Equal(3.25, Descriptive.Percentile(v, 75), Digits);
        Assert.Equal(4.0, Descriptive.Percentile(v, 100));
        Assert.Equal(1.25, Descriptive.StandardDeviation(v) * Descriptive.StandardDeviation(v), Digits);
    }

    [Fact]
    public void Statistics_refuse_empty_or_non_finite_input()
    {
        Assert.Throws<ArgumentException>(() => Descriptive.Mean([]));
        Assert.Throws<ArgumentException>(() => Descriptive.Summarize([1.0, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Descriptive.Percentile([1.0], 101));
        Assert.Throws<ArgumentException>(() => Histogram.Compute([1.0, double.NaN], 3));
        Assert.Throws<ArgumentException>(() => Histogram.Compute([1.0], 3, 2.0, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Histogram.Compute([1.0], 0));
    }
}
