using Vigil.ML.Training;

namespace Vigil.ML.Tests.Training;

public sealed class ConsistencyEpochTests
{
    [Theory]
    // A small pool is gone through once per epoch: 105 labeled, 1,954 unlabeled, 2 per labeled → 10 passes (2,100 ≥ 1,954).
    [InlineData(105, 1_954, 10)]
    // A large pool is sampled: 232 labeled and 24,473 unlabeled would need 53 passes; at most 4,096 draws allow 8 (3,712).
    [InlineData(232, 24_473, 8)]
    // Many labels: one pass already draws more unlabeled images than the cap allows, and an epoch never draws fewer.
    [InlineData(1_171, 23_534, 1)]
    // Even a cap that allows many passes stops at 64.
    [InlineData(1, 24_473, 64)]
    public void AnEpochGoesThroughTheUnlabeledPoolOrItsCapWhicheverIsFewer(int labeled, int unlabeled, int passes) =>
        Assert.Equal(passes, new ConsistencyOptions().LabeledPassesPerEpoch(labeled, unlabeled));

    [Fact]
    public void TheCapIsTheUsersToRaise()
    {
        // Without a cap worth the name, the 1 % Fashion-MNIST run goes once through its 24,473 unlabeled images per epoch.
        Assert.Equal(53, new ConsistencyOptions(MaxUnlabeledPerEpoch: int.MaxValue).LabeledPassesPerEpoch(232, 24_473));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConsistencyOptions(MaxUnlabeledPerEpoch: 0).Validate());
    }

    [Theory]
    // Label smoothing 0.1 over five classes trains every labeled image towards 0.92: 0.95 of it is 0.874.
    [InlineData(0.1, 5, 0.874)]
    // Two classes: towards 0.95, so 0.9025.
    [InlineData(0.1, 2, 0.9025)]
    // No smoothing: FixMatch's threshold as it is.
    [InlineData(0.0, 5, 0.95)]
    public void TheConfidenceThresholdIsAShareOfWhatLabelSmoothingLeavesReachable(double smoothing, int classes, double expected) =>
        Assert.Equal(expected, new ConsistencyOptions().EffectiveThreshold(smoothing, classes), 9);
}
