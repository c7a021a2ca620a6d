using Vigil.ML.Models.Vae;
using Vigil.ML.Runs;

namespace Vigil.ML.Tests.Training;

public sealed class VaeScoreChoiceTests
{
    private static readonly VaeScoreKind[] Kinds = VaeScoreChoice.Candidates;

    // The 1 % Fashion-MNIST case: each kind's hybrid validation AUROC, the head's scores a hair ahead.
    private static readonly Dictionary<VaeScoreKind, double> Close = new()
    {
        [VaeScoreKind.LearnedMapOrLatent] = 0.9971, [VaeScoreKind.LearnedAnomalyMap] = 0.9969, [VaeScoreKind.ErrorPlusLatent] = 0.9965,
    };

    [Fact]
    public void A_tie_goes_to_the_score_that_does_not_read_a_head_taught_the_labels()
    {
        Assert.Equal((VaeScoreKind.ErrorPlusLatent, true), VaeScoreChoice.Choose(Kinds, Close, tolerance: 0.006, headLearnedLabels: true));
        // A head that learned from synthetic anomalies only reads no label: the best stays.
        Assert.Equal((VaeScoreKind.LearnedMapOrLatent, false), VaeScoreChoice.Choose(Kinds, Close, tolerance: 0.006, headLearnedLabels: false));
        // No tolerance (no classifier to judge with): the best stays.
        Assert.Equal((VaeScoreKind.LearnedMapOrLatent, false), VaeScoreChoice.Choose(Kinds, Close, tolerance: 0, headLearnedLabels: true));
    }

    [Fact]
    public void A_clear_win_of_the_head_beyond_the_tolerance_is_kept()
    {
        // The contaminated phantoms: the head's map adds what the weak classifier misses.
        var judged = new Dictionary<VaeScoreKind, double>
        {
            [VaeScoreKind.LearnedMapOrLatent] = 0.967, [VaeScoreKind.LearnedAnomalyMap] = 0.998, [VaeScoreKind.ErrorPlusLatent] = 0.967,
        };
        Assert.Equal((VaeScoreKind.LearnedAnomalyMap, false), VaeScoreChoice.Choose(Kinds, judged, tolerance: 0.002, headLearnedLabels: true));
    }

    [Fact]
    public void Kinds_the_model_cannot_compute_are_left_out()
    {
        var judged = new Dictionary<VaeScoreKind, double>(Close) { [VaeScoreKind.ErrorPlusLatent] = double.NaN };
        Assert.Equal((VaeScoreKind.LearnedMapOrLatent, false), VaeScoreChoice.Choose(Kinds, judged, tolerance: 0.006, headLearnedLabels: true));
    }
}
