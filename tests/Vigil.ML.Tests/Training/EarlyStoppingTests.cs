using System.Text.Json;
using Vigil.Core.Json;
using Vigil.ML.Training;

namespace Vigil.ML.Tests.Training;

public sealed class EarlyStoppingTests
{
    [Fact]
    public void StopsAfterPatienceEpochsWithoutImprovementWhenMaximising()
    {
        var rule = new EarlyStopping(patience: 2, minDelta: 0.01);

        Assert.Equal(new EarlyStoppingDecision(true, false), rule.Update(1, 0.80));
        Assert.Equal(new EarlyStoppingDecision(true, false), rule.Update(2, 0.85));
        Assert.Equal(new EarlyStoppingDecision(false, false), rule.Update(3, 0.855)); // within min delta: not better
        Assert.Equal(new EarlyStoppingDecision(false, true), rule.Update(4, 0.70));

        Assert.Equal(0.85, rule.Best);
        Assert.Equal(2, rule.BestEpoch);
        Assert.True(rule.ShouldStop);
    }

    [Fact]
    public void AnImprovementResetsTheCount()
    {
        var rule = new EarlyStopping(patience: 2);
        rule.Update(1, 0.5);
        rule.Update(2, 0.4);

        EarlyStoppingDecision decision = rule.Update(3, 0.6);

        Assert.True(decision.Improved);
        Assert.Equal(0, rule.EpochsWithoutImprovement);
        Assert.False(rule.ShouldStop);
    }

    [Fact]
    public void MinimisingCountsLowerValuesAsBetter()
    {
        var rule = new EarlyStopping(patience: 1, goal: MetricGoal.Minimize);

        Assert.True(rule.Update(1, 2.0).Improved);
        Assert.True(rule.Update(2, 1.5).Improved);
        Assert.Equal(new EarlyStoppingDecision(false, true), rule.Update(3, 1.6));
        Assert.Equal(1.5, rule.Best);
    }

    [Fact]
    public void NaNNeverImprovesNotEvenFirst()
    {
        var rule = new EarlyStopping(patience: 3);

        Assert.False(rule.Update(1, double.NaN).Improved);
        Assert.Null(rule.Best);
        Assert.True(rule.Update(2, 0.1).Improved);
        Assert.False(rule.Update(3, double.PositiveInfinity).Improved);
        Assert.Equal(0.1, rule.Best);
    }

    [Fact]
    public void StateRoundTripsThroughJsonAndRestores()
    {
        var rule = new EarlyStopping(patience: 3);
        rule.Update(1, 0.7);
        rule.Update(2, 0.6);

        string json = JsonSerializer.Serialize(rule.State, VigilJson.Options);
        EarlyStoppingState back = JsonSerializer.Deserialize<EarlyStoppingState>(json, VigilJson.Options)!;
        var restored = new EarlyStopping(patience: 3);
        restored.Restore(back);

        Assert.Contains("\"epochs_without_improvement\": 1", json, StringComparison.Ordinal);
        Assert.Equal(rule.State, back);
        Assert.Equal(rule.Update(3, 0.65), restored.Update(3, 0.65));
        Assert.Equal(rule.Update(4, 0.5), restored.Update(4, 0.5));
        Assert.True(restored.ShouldStop);
    }

    [Fact]
    public void NonsenseSettingsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(1, minDelta: -0.1));
    }
}
