using Vigil.ML.Training;

namespace Vigil.ML.Tests.Training;

public sealed class ThroughputMeterTests
{
    [Fact]
    public void TheFirstBatchIsMeasuredWithoutBias()
    {
        var clock = new ManualClock();
        var meter = new ThroughputMeter(clock, smoothing: 0.1);
        meter.StartEpoch();
        Assert.Null(meter.ImagesPerSecond);
        Assert.Null(meter.EtaSeconds(10, 1));

        clock.Advance(TimeSpan.FromSeconds(2));
        meter.BatchCompleted(64);

        // A plain EMA starting at 0 would say 3.2 images/s; debiased it is the measurement itself.
        Assert.Equal(32, meter.ImagesPerSecond!.Value, 9);
        Assert.Equal(2, meter.SecondsPerBatch!.Value, 9);
    }

    [Fact]
    public void TheAverageFollowsTheDebiasedEmaFormula()
    {
        var clock = new ManualClock();
        var meter = new ThroughputMeter(clock, smoothing: 0.5);
        meter.StartEpoch();

        clock.Advance(TimeSpan.FromSeconds(1));
        meter.BatchCompleted(10);   // 10 images/s
        clock.Advance(TimeSpan.FromSeconds(1));
        meter.BatchCompleted(30);   // 30 images/s

        // raw = 0.5·(0.5·10) + 0.5·30 = 17.5; debias by 1 − 0.5² = 0.75 → 23.333…
        Assert.Equal(17.5 / 0.75, meter.ImagesPerSecond!.Value, 9);
    }

    [Fact]
    public void EtaCountsRemainingBatchesAndEpochEnds()
    {
        var clock = new ManualClock();
        var meter = new ThroughputMeter(clock, smoothing: 1.0);
        meter.StartEpoch();
        for (int b = 0; b < 4; b++)
        {
            clock.Advance(TimeSpan.FromSeconds(0.5));
            meter.BatchCompleted(16);
        }
        clock.Advance(TimeSpan.FromSeconds(3)); // validation and checkpoint
        EpochTiming timing = meter.EndEpoch();

        Assert.Equal(5, timing.ElapsedSeconds, 9);
        Assert.Equal(2, timing.TrainSeconds, 9);
        Assert.Equal(32, timing.ImagesPerSecond!.Value, 9);
        // 2 epochs left of 4 batches: 8 × 0.5 s + 2 × 3 s.
        long remaining = ThroughputMeter.RemainingBatches(epoch: 1, batch: 4, epochs: 3, batchesPerEpoch: 4);
        Assert.Equal(8, remaining);
        Assert.Equal(10, meter.EtaSeconds(remaining, remainingEpochEnds: 2)!.Value, 9);
        Assert.Equal(TimeSpan.FromSeconds(5), meter.RunElapsed);
    }

    [Fact]
    public void TimeBetweenEpochsDoesNotCountAsBatchTime()
    {
        var clock = new ManualClock();
        var meter = new ThroughputMeter(clock, smoothing: 1.0);
        meter.StartEpoch();
        clock.Advance(TimeSpan.FromSeconds(1));
        meter.BatchCompleted(8);
        meter.EndEpoch();
        clock.Advance(TimeSpan.FromMinutes(5)); // a long pause between epochs

        meter.StartEpoch();
        clock.Advance(TimeSpan.FromSeconds(1));
        meter.BatchCompleted(8);

        Assert.Equal(8, meter.ImagesPerSecond!.Value, 9);
    }

    [Theory]
    [InlineData(1, 0, 1, 10, 10)]
    [InlineData(1, 10, 1, 10, 0)]
    [InlineData(2, 3, 5, 10, 37)]
    [InlineData(6, 10, 5, 10, 0)] // past the plan: never negative
    public void RemainingBatches(int epoch, int batch, int epochs, int perEpoch, long expected)
    {
        Assert.Equal(expected, ThroughputMeter.RemainingBatches(epoch, batch, epochs, perEpoch));
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
