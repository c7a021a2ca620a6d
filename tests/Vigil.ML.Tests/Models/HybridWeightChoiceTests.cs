using Vigil.ML.Models.Hybrid;

namespace Vigil.ML.Tests.Models;

public sealed class HybridWeightChoiceTests
{
    // 10 normal then 10 anomalous validation images.
    private static readonly bool[] Truth = [.. Enumerable.Repeat(false, 10), .. Enumerable.Repeat(true, 10)];
    // Ranks every anomaly above every normal image (AUROC 1).
    private static readonly double[] Good = [.. Enumerable.Range(0, 20).Select(i => i / 20.0)];
    // The same scores for normal and anomalous images (0.2, 0.8, 0.2, …): AUROC 0.5.
    private static readonly double[] Chance = [.. Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? 0.2 : 0.8)];
    // Normal images score higher than anomalies (AUROC 0).
    private static readonly double[] Inverted = [.. Good.Reverse()];

    [Fact]
    public void A_vae_near_chance_gets_weight_zero_and_the_run_says_so()
    {
        var choice = HybridWeightChoice.Decide(Good, Chance, Truth, presetSupervised: 0.8, fit: false);
        Assert.Equal(0.5, choice.ReconstructionAuroc!.Value, 9);
        Assert.Equal(1, choice.SupervisedWeight);
        Assert.Equal(0, choice.ReconstructionWeight);
        Assert.Equal("part_dropped", choice.Method);
        var note = Assert.Single(choice.Notes);
        Assert.Contains("the VAE's score is near chance on validation", note);
        Assert.Contains("its weight is set to 0; the hybrid uses the classifier alone", note);
    }

    [Fact]
    public void An_inverted_classifier_gets_weight_zero_even_against_a_preset()
    {
        var choice = HybridWeightChoice.Decide(Inverted, Good, Truth, presetSupervised: 0.8, fit: false);
        Assert.Equal(0, choice.SupervisedWeight);
        Assert.Equal(1, choice.ReconstructionWeight);
        Assert.Equal(0, choice.SupervisedAuroc);
        Assert.Contains("the classifier's score is inverted", Assert.Single(choice.Notes));
    }

    [Fact]
    public void Two_useful_parts_are_fitted_on_validation_unless_the_preset_is_asked_for()
    {
        // The VAE alone is perfect, the classifier weaker but useful: the fit leans on the VAE.
        double[] weaker = [.. Good.Select((v, i) => i % 5 == 0 ? 1 - v : v)];
        var fitted = HybridWeightChoice.Decide(weaker, Good, Truth, presetSupervised: 0.8, fit: true);
        Assert.Equal("fitted", fitted.Method);
        Assert.True(fitted.SupervisedWeight < 0.8, $"fitted w_sup {fitted.SupervisedWeight}");
        var preset = HybridWeightChoice.Decide(weaker, Good, Truth, presetSupervised: 0.8, fit: false);
        Assert.Equal("preset", preset.Method);
        Assert.Equal(0.8, preset.SupervisedWeight, 9);
    }

    [Fact]
    public void Without_both_kinds_of_validation_label_the_preset_stays_and_the_run_says_why()
    {
        var choice = HybridWeightChoice.Decide(Good, Chance, Enumerable.Repeat(false, 20).ToArray(), presetSupervised: 0.6, fit: true);
        Assert.Equal(0.6, choice.SupervisedWeight, 9);
        Assert.Null(choice.ReconstructionAuroc);
        Assert.Contains("neither part's quality can be checked", Assert.Single(choice.Notes));
    }

    [Fact]
    public void Weights_within_one_standard_error_of_the_best_are_ties_settled_nearest_half()
    {
        // The classifier alone is best on validation (0.95), the even mix close behind (0.93).
        var grid = Enumerable.Range(0, 21).Select(i => new WeightTrial(i / 20.0, i == 20 ? 0.95 : i == 10 ? 0.93 : 0.80)).ToList();
        var fit = new HybridWeightFit(1, 0, 0.95, grid);
        int[] Labels(int perSide) => [.. Enumerable.Repeat(0, perSide), .. Enumerable.Repeat(1, perSide)];
        // 10 + 10 images: the standard error of 0.95 is 0.0525 (Hanley–McNeil), so 0.93 is a tie and 0.5 / 0.5 is kept.
        var (small, tolerance) = HybridWeightChoice.WithinOneStandardError(fit, Labels(10));
        Assert.Equal(0.0525, tolerance, 4);
        Assert.Equal(0.5, small.SupervisedWeight);
        // 1,000 + 1,000 images tell 0.95 from 0.93 (standard error 0.005): the best stays.
        var (large, _) = HybridWeightChoice.WithinOneStandardError(fit, Labels(1000));
        Assert.Equal(1.0, large.SupervisedWeight);
    }
}
