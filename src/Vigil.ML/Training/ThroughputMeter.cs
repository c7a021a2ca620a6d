namespace Vigil.ML.Training;

/// <summary>
/// Training speed and time left. Images per second and seconds per batch are debiased exponential moving averages
/// (as Adam debiases its moments), so the first readings are not dragged towards zero. The time between epochs
/// (validation, checkpointing) is averaged separately and added to the ETA per remaining epoch.
/// </summary>
/// <remarks>
/// A batch's time runs from the end of the previous batch (or <see cref="StartEpoch"/>) to <see cref="BatchCompleted"/>,
/// so data loading counts: this is the throughput a user waits on, not the compute alone.
/// </remarks>
public sealed class ThroughputMeter
{
    private readonly TimeProvider _time;
    private readonly long _runStart;
    private DebiasedAverage _imagesPerSecond;
    private DebiasedAverage _secondsPerBatch;
    private DebiasedAverage _epochOverheadSeconds;
    private long _epochStart, _lastMark;
    private double _epochTrainSeconds;
    private long _epochImages;

    /// <summary>Creates a meter; the run's clock starts now.</summary>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="smoothing">Weight of the newest batch in the averages, in (0, 1]: 0.1 ≈ the last ten batches.</param>
    public ThroughputMeter(TimeProvider? time = null, double smoothing = 0.1)
    {
        if (!(smoothing > 0 && smoothing <= 1)) throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "smoothing must be in (0, 1]");
        _time = time ?? TimeProvider.System;
        _imagesPerSecond = new DebiasedAverage(smoothing);
        _secondsPerBatch = new DebiasedAverage(smoothing);
        // Epochs are few: weigh each more heavily than a batch.
        _epochOverheadSeconds = new DebiasedAverage(Math.Max(smoothing, 0.5));
        _runStart = _epochStart = _lastMark = _time.GetTimestamp();
    }

    /// <summary>Smoothed training images per second, or null before the first batch.</summary>
    public double? ImagesPerSecond => _imagesPerSecond.Value;

    /// <summary>Smoothed seconds per training batch, or null before the first batch.</summary>
    public double? SecondsPerBatch => _secondsPerBatch.Value;

    /// <summary>Time since the meter was created.</summary>
    public TimeSpan RunElapsed => _time.GetElapsedTime(_runStart);

    /// <summary>Marks the start of an epoch's training batches.</summary>
    public void StartEpoch()
    {
        _epochStart = _lastMark = _time.GetTimestamp();
        _epochTrainSeconds = 0;
        _epochImages = 0;
    }

    /// <summary>Records a finished training batch of <paramref name="images"/> images.</summary>
    public void BatchCompleted(int images)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        long now = _time.GetTimestamp();
        double seconds = _time.GetElapsedTime(_lastMark, now).TotalSeconds;
        _lastMark = now;
        _epochTrainSeconds += seconds;
        _epochImages += images;
        // A zero-length interval (coarse clock, fake clock) says nothing about speed.
        if (seconds <= 0) return;
        _secondsPerBatch.Add(seconds);
        _imagesPerSecond.Add(images / seconds);
    }

    /// <summary>Marks the end of an epoch (after validation and checkpointing).</summary>
    /// <returns>The epoch's wall time, its training-batch time, and its training images per second.</returns>
    public EpochTiming EndEpoch()
    {
        long now = _time.GetTimestamp();
        double elapsed = _time.GetElapsedTime(_epochStart, now).TotalSeconds;
        _epochOverheadSeconds.Add(Math.Max(0, elapsed - _epochTrainSeconds));
        double? rate = _epochTrainSeconds > 0 ? _epochImages / _epochTrainSeconds : null;
        return new EpochTiming(elapsed, _epochTrainSeconds, rate);
    }

    /// <summary>
    /// Seconds left: remaining batches × smoothed seconds per batch, plus remaining epoch ends × their smoothed
    /// overhead. Null until a batch has been timed.
    /// </summary>
    /// <param name="remainingBatches">Training batches still to run in the whole run (see <see cref="RemainingBatches"/>).</param>
    /// <param name="remainingEpochEnds">Epoch ends (validation passes) still to come, the current epoch's included.</param>
    public double? EtaSeconds(long remainingBatches, int remainingEpochEnds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(remainingBatches);
        ArgumentOutOfRangeException.ThrowIfNegative(remainingEpochEnds);
        if (_secondsPerBatch.Value is not { } perBatch) return null;
        return remainingBatches * perBatch + remainingEpochEnds * (_epochOverheadSeconds.Value ?? 0);
    }

    /// <summary>Training batches left in the run after batch <paramref name="batch"/> of epoch <paramref name="epoch"/> (both from 1).</summary>
    public static long RemainingBatches(int epoch, int batch, int epochs, int batchesPerEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, batchesPerEpoch);
        return Math.Max(0, (long)(epochs - epoch) * batchesPerEpoch + (batchesPerEpoch - batch));
    }

    /// <summary>An exponential moving average divided by (1 − (1 − α)^n), so it is unbiased from the first sample.</summary>
    private struct DebiasedAverage(double alpha)
    {
        private double _raw;
        private double _decay = 1; // (1 − α)^n

        public readonly double? Value => _decay < 1 ? _raw / (1 - _decay) : null;

        public void Add(double sample)
        {
            _raw = (1 - alpha) * _raw + alpha * sample;
            _decay *= 1 - alpha;
        }
    }
}

/// <summary>How long an epoch took.</summary>
/// <param name="ElapsedSeconds">Wall time from <see cref="ThroughputMeter.StartEpoch"/> to <see cref="ThroughputMeter.EndEpoch"/>.</param>
/// <param name="TrainSeconds">The part spent in training batches.</param>
/// <param name="ImagesPerSecond">Training images over training time, or null when no time was measured.</param>
public sealed record EpochTiming(double ElapsedSeconds, double TrainSeconds, double? ImagesPerSecond);
