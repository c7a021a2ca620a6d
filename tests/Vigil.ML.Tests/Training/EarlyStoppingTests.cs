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

    [Fact]
    public void A_value_within_the_tolerance_of_the_highest_with_a_lower_loss_becomes_the_best_epoch()
    {
        var rule = new EarlyStopping(patience: 3, minDelta: 1e-4);
        rule.Update(1, 0.95, tolerance: 0.01, tieBreak: 0.60);
        Assert.True(rule.Update(2, 0.9916, tolerance: 0.005, tieBreak: 0.48).Improved);

        var tie = rule.Update(3, 0.9890, tolerance: 0.005, tieBreak: 0.44);

        Assert.Equal(new EarlyStoppingDecision(true, false, ByTieBreak: true), tie);
        Assert.Equal(3, rule.BestEpoch);
        Assert.Equal(0.9890, rule.Best);
        Assert.Equal(0.9916, rule.Peak);
        Assert.Equal(0, rule.EpochsWithoutImprovement);
    }

    [Fact]
    public void A_tie_with_a_higher_loss_or_a_value_below_the_tolerance_is_not_the_best()
    {
        var rule = new EarlyStopping(patience: 5);
        rule.Update(1, 0.99, tolerance: 0.005, tieBreak: 0.50);

        Assert.False(rule.Update(2, 0.988, tolerance: 0.005, tieBreak: 0.55).Improved); // tie, worse loss
        Assert.False(rule.Update(3, 0.980, tolerance: 0.005, tieBreak: 0.30).Improved); // lower loss, but clearly lower
        Assert.False(rule.Update(4, 0.993, tolerance: 0.005, tieBreak: 0.52).Improved); // higher, but within the noise
        Assert.Equal(1, rule.BestEpoch);
        Assert.Equal(0.993, rule.Peak);
        Assert.Equal(3, rule.EpochsWithoutImprovement);
        Assert.True(rule.Update(5, 0.9995, tolerance: 0.001, tieBreak: 0.9).Improved); // beyond the noise: better, whatever the loss
    }

    [Fact]
    public void Ties_are_measured_from_the_highest_value_so_a_chain_of_ties_cannot_drift_down()
    {
        var rule = new EarlyStopping(patience: 10);
        rule.Update(1, 0.990, tolerance: 0.005, tieBreak: 0.50);
        Assert.True(rule.Update(2, 0.986, tolerance: 0.005, tieBreak: 0.45).Improved);

        // Within the tolerance of epoch 2's value, not of the highest (epoch 1's).
        Assert.False(rule.Update(3, 0.982, tolerance: 0.005, tieBreak: 0.40).Improved);
        Assert.Equal(2, rule.BestEpoch);
    }

    [Fact]
    public void Without_a_tolerance_or_a_tie_break_the_rule_is_the_plain_one()
    {
        var plain = new EarlyStopping(patience: 2, minDelta: 0.01);
        var noTieBreak = new EarlyStopping(patience: 2, minDelta: 0.01);
        foreach (var (epoch, value) in new[] { (1, 0.8), (2, 0.815), (3, 0.81), (4, 0.7) })
        {
            var a = plain.Update(epoch, value, tolerance: 0, tieBreak: 0.1 / epoch);
            var b = noTieBreak.Update(epoch, value, tolerance: 0.02, tieBreak: null);
            Assert.False(a.ByTieBreak);
            Assert.False(b.ByTieBreak);
        }
        Assert.Equal(2, plain.BestEpoch);
        Assert.Equal(1, noTieBreak.BestEpoch); // 0.815 − 0.80 is within the 0.02 tolerance, and no tie-break
    }

    [Fact]
    public void A_checkpoint_state_written_before_ties_existed_restores_with_the_best_as_the_highest()
    {
        var back = JsonSerializer.Deserialize<EarlyStoppingState>(
            "{\"best\": 0.99, \"best_epoch\": 4, \"epochs_without_improvement\": 1}", VigilJson.Options)!;
        var rule = new EarlyStopping(patience: 3);
        rule.Restore(back);

        Assert.Equal(0.99, rule.Peak);
        Assert.True(rule.Update(6, 0.987, tolerance: 0.005, tieBreak: 0.3).ByTieBreak);

        string json = JsonSerializer.Serialize(rule.State, VigilJson.Options);
        var again = new EarlyStopping(patience: 3);
        again.Restore(JsonSerializer.Deserialize<EarlyStoppingState>(json, VigilJson.Options)!);
        Assert.Equal(rule.State, again.State);
        Assert.False(again.Update(7, 0.986, tolerance: 0.005, tieBreak: 0.35).Improved); // the kept loss, 0.3, survived
    }
}
