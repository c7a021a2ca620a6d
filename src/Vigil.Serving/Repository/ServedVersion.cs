using Vigil.ML.Inference;
using Vigil.Serving.Batching;

namespace Vigil.Serving.Repository;

/// <summary>A request's share of a batch: its inputs, and whether it wants error maps.</summary>
internal sealed record BatchJob(IReadOnlyList<DetectorInput> Inputs, bool ErrorMaps);

/// <summary>
/// One version of a model as the repository holds it: loaded (a detector and its batcher) or failed (the reason).
/// Requests lease it (<see cref="TryAcquire"/>/<see cref="Release"/>); once replaced it is retired, and its detector is
/// disposed only when the last lease ends, so requests in flight finish on the version they started on.
/// </summary>
public sealed class ServedVersion
{
    private readonly ServedDetector? _detector;
    private int _leases;
    private int _retired;
    private int _disposed;

    private ServedVersion(string model, string version, string path, FileStamp stamp, ServedDetector? detector, BatchingOptions batching, string? error)
    {
        Model = model;
        Version = version;
        Path = path;
        Stamp = stamp;
        _detector = detector;
        Batching = batching;
        Error = error;
    }

    /// <summary>The model's name.</summary>
    public string Model { get; }

    /// <summary>The version ("1" for a model folder without version folders).</summary>
    public string Version { get; }

    /// <summary>The package file.</summary>
    public string Path { get; }

    /// <summary>The files' state when loaded.</summary>
    public FileStamp Stamp { get; }

    /// <summary>The batching settings.</summary>
    public BatchingOptions Batching { get; }

    /// <summary>Why the version could not be loaded; null when it serves.</summary>
    public string? Error { get; }

    /// <summary>Whether it serves requests.</summary>
    public bool Ready => _detector is not null && Volatile.Read(ref _retired) == 0;

    /// <summary>The detector (ready versions only).</summary>
    public ServedDetector Detector => _detector ?? throw new InvalidOperationException(Error);

    internal DynamicBatcher<BatchJob, IReadOnlyList<DetectionOutcome>>? Batcher { get; private set; }

    /// <summary>A served version: the detector behind a batcher.</summary>
    internal static ServedVersion Loaded(string model, string version, string path, FileStamp stamp, ServedDetector detector, BatchingOptions batching,
        TimeProvider time, Action<BatchReport>? report)
    {
        var served = new ServedVersion(model, version, path, stamp, detector, batching, null);
        served.Batcher = new DynamicBatcher<BatchJob, IReadOnlyList<DetectionOutcome>>(served.RunBatch, batching, time, report);
        return served;
    }

    /// <summary>A version that failed to load.</summary>
    internal static ServedVersion Failed(string model, string version, string path, FileStamp stamp, BatchingOptions batching, string error) =>
        new(model, version, path, stamp, null, batching, error);

    /// <summary>Takes a lease; false when the version no longer serves (look it up again).</summary>
    internal bool TryAcquire()
    {
        if (_detector is null) return false;
        Interlocked.Increment(ref _leases);
        if (Volatile.Read(ref _retired) == 0) return true;
        Release();
        return false;
    }

    /// <summary>Ends a lease taken by <see cref="ModelRepository.Acquire"/>.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0 && Volatile.Read(ref _retired) == 1) _ = DisposeOnceAsync();
    }

    /// <summary>Takes the version out of service: it finishes its queue, then its detector goes when the last lease ends.</summary>
    internal void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 1) return;
        if (Volatile.Read(ref _leases) == 0) _ = DisposeOnceAsync();
    }

    private async Task DisposeOnceAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (Batcher is { } batcher) await batcher.DisposeAsync();
        _detector?.Dispose();
    }

    // Every job's inputs in one Detect call; each input keeps a name unique in the batch so its outcomes (several for a
    // volume) are found again, in order.
    private IReadOnlyList<IReadOnlyList<DetectionOutcome>> RunBatch(IReadOnlyList<BatchJob> jobs, CancellationToken token)
    {
        var inputs = new List<DetectorInput>();
        foreach (BatchJob job in jobs) inputs.AddRange(job.Inputs);
        var options = new DetectOptions { ErrorMaps = jobs.Any(j => j.ErrorMaps), BatchSize = Batching.MaxBatchSize };
        IReadOnlyList<DetectionOutcome> outcomes = Detector.Detect(inputs, options, token);
        var answers = new List<IReadOnlyList<DetectionOutcome>>(jobs.Count);
        int at = 0;
        foreach (BatchJob job in jobs)
        {
            var mine = new List<DetectionOutcome>();
            foreach (DetectorInput input in job.Inputs)
                while (at < outcomes.Count && outcomes[at].Path == input.Name) mine.Add(outcomes[at++]);
            answers.Add(mine);
        }
        return answers;
    }
}

/// <summary>The state of a version's files (package and config.json), to see a change.</summary>
/// <param name="Package">The package's length and write time.</param>
/// <param name="Config">config.json's length and write time, or empty without one.</param>
public sealed record FileStamp(string Package, string Config)
{
    /// <summary>The stamp of the package at <paramref name="package"/> and the config in <paramref name="configFolder"/>.</summary>
    public static FileStamp Of(string package, string configFolder)
    {
        static string Of(string path) => new FileInfo(path) is { Exists: true } f ? $"{f.Length}@{f.LastWriteTimeUtc.Ticks}" : "";
        return new FileStamp(Of(package), Of(System.IO.Path.Combine(configFolder, ModelConfig.FileName)));
    }
}
