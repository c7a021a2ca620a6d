using TorchSharp;
using Vigil.ML.Training;

namespace Vigil.ML.Tests.Training;

public sealed class CosineWarmupScheduleTests
{
    [Theory]
    // Warm-up: base · (s + 1) / W with base 0.1, W 4.
    [InlineData(0, 0.025)]
    [InlineData(1, 0.05)]
    [InlineData(3, 0.1)]
    // Cosine over T − W = 10 steps from 0.1 to 0.001: 0.001 + 0.099 · ½ · (1 + cos(π p)).
    [InlineData(4, 0.1)]
    [InlineData(9, 0.0505)]                         // p = ½
    [InlineData(6, 0.0905463)]                      // p = 0.2 → ½(1 + cos 36°) = 0.9045085
    [InlineData(14, 0.001)]                         // p = 1
    [InlineData(100, 0.001)]                        // beyond the end: stays at the floor
    public void RatesFollowTheFormula(long step, double expected)
    {
        var schedule = new CosineWarmupSchedule(0.1, warmupSteps: 4, totalSteps: 14, minLearningRate: 0.001);

        Assert.Equal(expected, schedule.LearningRateAt(step), 6);
    }

    [Fact]
    public void RatesRiseThenNeverIncrease()
    {
        var schedule = new CosineWarmupSchedule(1.0, warmupSteps: 10, totalSteps: 100);
        double[] rates = Enumerable.Range(0, 100).Select(s => schedule.LearningRateAt(s)).ToArray();

        Assert.Equal(1.0, rates.Max(), 12);
        Assert.Equal(9, Array.IndexOf(rates, rates.Max()));
        for (int s = 10; s < 100; s++) Assert.True(rates[s] <= rates[s - 1], $"rate rose at step {s}");
        Assert.All(rates, r => Assert.True(r > 0));
    }

    [Fact]
    public void NoWarmupStartsAtTheBaseRate()
    {
        var schedule = new CosineWarmupSchedule(0.5, warmupSteps: 0, totalSteps: 10);

        Assert.Equal(0.5, schedule.LearningRateAt(0), 12);
        Assert.Equal(0.25, schedule.LearningRateAt(5), 12);
    }

    [Fact]
    public void StateIsTheStepAndRestoringContinuesTheSequence()
    {
        var first = new CosineWarmupSchedule(0.1, 4, 14);
        for (int i = 0; i < 6; i++) first.Advance();
        var second = new CosineWarmupSchedule(0.1, 4, 14);

        second.Restore(first.State);

        Assert.Equal(new LrScheduleState(6), second.State);
        Assert.Equal(first.CurrentLearningRate, second.CurrentLearningRate);
        Assert.Equal(first.LearningRateAt(6), second.CurrentLearningRate);
    }

    [Fact]
    public void ApplySetsEveryParameterGroupOfATorchSharpOptimizer()
    {
        Vigil.ML.Native.TorchNative.EnsureLoaded();
        using var a = torch.nn.Linear(2, 2);
        using var b = torch.nn.Linear(2, 1);
        using var optimizer = torch.optim.AdamW(a.parameters(), lr: 1.0);
        optimizer.add_param_group(new TorchSharp.Modules.AdamW.ParamGroup(b.parameters(), new TorchSharp.Modules.AdamW.Options { LearningRate = 2.0 }));
        var schedule = new CosineWarmupSchedule(0.1, 4, 14);
        schedule.Advance();

        double set = schedule.Apply(optimizer);

        Assert.Equal(0.05, set, 12);
        Assert.Equal([0.05, 0.05], optimizer.ParamGroups.Select(g => g.LearningRate));
    }

    [Fact]
    public void NonsenseSettingsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineWarmupSchedule(0, 1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineWarmupSchedule(double.NaN, 1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineWarmupSchedule(0.1, -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineWarmupSchedule(0.1, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineWarmupSchedule(0.1, 1, 10, minLearningRate: 0.2));
    }
}
