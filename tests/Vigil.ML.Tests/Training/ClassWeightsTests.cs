using Vigil.ML.Training;

namespace Vigil.ML.Tests.Training;

public sealed class ClassWeightsTests
{
    [Fact]
    public void InverseFrequencyKeepsTheAverageWeightPerExampleAtOne()
    {
        double[] weights = ClassWeights.InverseFrequency([60, 30, 10]);

        // N / (K · n): 100 / (3 · 60), 100 / (3 · 30), 100 / (3 · 10).
        Assert.Equal([100 / 180.0, 100 / 90.0, 100 / 30.0], weights);
        Assert.Equal(100, 60 * weights[0] + 30 * weights[1] + 10 * weights[2], 9);
    }

    [Fact]
    public void BalancedCountsGiveWeightOne()
    {
        Assert.Equal([1.0, 1.0], ClassWeights.InverseFrequency([7, 7]));
    }

    [Fact]
    public void AnAbsentClassGetsZeroAndDoesNotCountAsAClass()
    {
        double[] weights = ClassWeights.InverseFrequency([10, 0, 30]);

        Assert.Equal([40 / 20.0, 0, 40 / 60.0], weights);
    }

    [Fact]
    public void ImpossibleCountsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => ClassWeights.InverseFrequency([0, 0]));
        Assert.Throws<ArgumentException>(() => ClassWeights.InverseFrequency([3, -1]));
    }
}
