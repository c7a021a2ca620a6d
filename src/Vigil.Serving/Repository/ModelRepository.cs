using System.Collections.Immutable;
using System.Globalization;
using Vigil.ML.Inference;
using Vigil.Serving.Batching;
using Vigil.Serving.Protocol;

namespace Vigil.Serving.Repository;

/// <summary>A model as the repository holds it: its versions, the default one, or why it has none.</summary>
/// <param name="Name">The folder's name.</param>
/// <param name="Versions">Its versions by number.</param>
/// <param name="Error">Why the folder holds no version (no package found), or null.</param>
public sealed record ServedModel(string Name, ImmutableSortedDictionary<long, ServedVersion> Versions, string? Error)
{
    /// <summary>The version served by default: the highest.</summary>
    public ServedVersion? Default => Versions.IsEmpty ? null : Versions[Versions.Keys.Max()];

    /// <summary>Whether the default version serves.</summary>
    public bool Ready => Default?.Ready == true;
}

/// <summary>How a <see cref="ModelRepository"/> loads and watches.</summary>
public sealed record RepositoryOptions
{
    /// <summary>Loads a package or a multi-organ repository's <c>repository.json</c> (by default onto the CPU).</summary>
    public Func<string, ServedDetector> Load { get; init; } = path => ServedDetector.Load(path, TorchSharp.torch.CPU);

    /// <summary>Batching for models without a config.json, and the base of those with one.</summary>
    public BatchingOptions Batching { get; init; } = BatchingOptions.Default;

    /// <summary>The clock (batch delays, polling).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often the folder is scanned even without a file-system event (network file systems send none).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after a file-system event the folder is scanned, so a copy in progress settles first.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether to watch the folder after the start (off: only <see cref="ModelRepository.RescanAsync"/> reloads).</summary>
    public bool Watch { get; init; } = true;

    /// <summary>Told about each batch a version runs (metrics).</summary>
    public Action<ServedVersion, BatchReport>? Report { get; init; }

    /// <summary>Where loads and swaps are logged.</summary>
    public ILogger? Log { get; init; }
}

/// <summary>
/// The model repository of <c>vigil serve --models DIR</c>: one folder per model, <c>DIR/&lt;name&gt;/model.vigil</c>
/// (version 1) or <c>DIR/&lt;name&gt;/&lt;n&gt;/model.vigil</c> (versions; the highest is the default), each with an
/// optional <c>config.json</c>. Every model loads at the start; afterwards a new or changed folder loads in the background
/// (file-system events, debounced, and a periodic scan) and is swapped in as a whole new snapshot, while requests in
/// flight finish on the version they leased. A version that fails to load is reported not ready with its reason; the
/// others keep serving; a changed version that fails keeps its previous, working load.
/// </summary>
public sealed class ModelRepository : IAsyncDisposable
{
    /// <summary>The package's file name in a model or version folder.</summary>
    public const string PackageName = "model.vigil";

    /// <summary>A multi-organ repository's manifest: its folder is served as one model (docs/repository.md).</summary>
    public const string RepositoryManifestName = ML.Inference.Routing.RepositoryManifest.FileName;

    // What a model or version folder serves: its package, else a repository's manifest, else nothing.
    private static string? PackageIn(string folder) =>
        File.Exists(Path.Combine(folder, PackageName)) ? Path.Combine(folder, PackageName)
        : File.Exists(Path.Combine(folder, RepositoryManifestName)) ? Path.Combine(folder, RepositoryManifestName) : null;

    private readonly string _root;
    private readonly RepositoryOptions _options;
    private readonly SemaphoreSlim _scan = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, FileStamp> _tried = new(StringComparer.Ordinal);
    private ImmutableSortedDictionary<string, ServedModel> _models = ImmutableSortedDictionary<string, ServedModel>.Empty.WithComparers(StringComparer.Ordinal);
    private FileSystemWatcher? _watcher;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private int _disposed;
    private bool _loaded;

    /// <summary>The clock its batchers and request timeouts run on.</summary>
    internal TimeProvider Time => _options.Time;

    /// <summary>A repository over <paramref name="root"/>; nothing is read until <see cref="StartAsync"/>.</summary>
    public ModelRepository(string root, RepositoryOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
        _options = options ?? new RepositoryOptions();
    }

    /// <summary>The folder.</summary>
    public string Root => _root;

    /// <summary>The models now, by name.</summary>
    public ImmutableSortedDictionary<string, ServedModel> Models => Volatile.Read(ref _models);

    /// <summary>Whether the first scan has loaded every model (requests before it are answered "loading").</summary>
    public bool Loaded => Volatile.Read(ref _loaded);

    /// <summary>Whether the models have loaded and every one serves its default version.</summary>
    public bool AllReady => Loaded && Models.Values.All(m => m.Ready);

    /// <summary>Loads every model, then starts watching the folder.</summary>
    /// <exception cref="Core.UserInputException">The folder does not exist.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(_root)) throw new Core.UserInputException($"the model folder '{_root}' does not exist (--models names a folder with one folder per model)");
        await RescanAsync(cancellationToken);
        Volatile.Write(ref _loaded, true);
        if (!_options.Watch) return;
        try
        {
            _watcher = new FileSystemWatcher(_root) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size };
            _watcher.Changed += (_, _) => Signal();
            _watcher.Created += (_, _) => Signal();
            _watcher.Deleted += (_, _) => Signal();
            _watcher.Renamed += (_, _) => Signal();
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            _options.Log?.LogWarning("not watching {Root} ({Reason}); it is scanned every {Seconds} s", _root, e.Message, _options.PollInterval.TotalSeconds);
        }
        _loop = Task.Run(() => WatchAsync(_stop.Token));
    }

    /// <summary>
    /// Finds the version to serve and leases it: <paramref name="version"/>, or the default when null or empty. Release
    /// the lease with <see cref="ServedVersion.Release"/>.
    /// </summary>
    /// <exception cref="InferenceException">No such model or version (NotFound), or it is not ready (Unavailable).</exception>
    public ServedVersion Acquire(string name, string? version)
    {
        for (int attempt = 0; attempt < 8; attempt++) // a lost race with a swap looks again in the new snapshot
        {
            ServedVersion found = Find(name, version);
            if (!found.Ready) throw new InferenceException(InferenceFailure.Unavailable, NotReady(found));
            if (found.TryAcquire()) return found;
        }
        throw new InferenceException(InferenceFailure.Unavailable, $"model '{name}' is being replaced; send the request again");
    }

    /// <summary>The model and version (default when null or empty), ready or not.</summary>
    /// <exception cref="InferenceException">No such model or version (NotFound), or the models are still loading or the model has no version (Unavailable).</exception>
    public ServedVersion Find(string name, string? version)
    {
        if (!Loaded) throw new InferenceException(InferenceFailure.Unavailable, "the server is still loading its models; try again shortly", TimeSpan.FromSeconds(1));
        if (!Models.TryGetValue(name, out ServedModel? model))
            throw new InferenceException(InferenceFailure.NotFound, $"there is no model '{name}' (models: {(Models.IsEmpty ? "none" : string.Join(", ", Models.Keys))})");
        if (string.IsNullOrEmpty(version))
            return model.Default ?? throw new InferenceException(InferenceFailure.Unavailable, $"model '{name}' is not ready: {model.Error}");
        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || !model.Versions.TryGetValue(number, out ServedVersion? found))
            throw new InferenceException(InferenceFailure.NotFound, $"model '{name}' has no version '{version}' (versions: {string.Join(", ", model.Versions.Keys)})");
        return found;
    }

    /// <summary>Why <paramref name="version"/> does not serve, in words.</summary>
    public static string NotReady(ServedVersion version) =>
        version.Error is { } error ? $"model '{version.Model}' version {version.Version} is not ready: it failed to load ({error})" : $"model '{version.Model}' version {version.Version} is not ready";

    /// <summary>
    /// Scans the folder now and loads what is new or changed (completes when the new snapshot is in place). Scans are
    /// one at a time.
    /// </summary>
    public async Task RescanAsync(CancellationToken cancellationToken = default)
    {
        await _scan.WaitAsync(cancellationToken);
        try
        {
            ImmutableSortedDictionary<string, ServedModel> before = Models;
            var after = ImmutableSortedDictionary.CreateBuilder<string, ServedModel>(StringComparer.Ordinal);
            var retired = new List<ServedVersion>();
            foreach (string folder in ModelFolders())
            {
                string name = Path.GetFileName(folder);
                before.TryGetValue(name, out ServedModel? old);
                after[name] = await ScanModelAsync(name, folder, old, retired, cancellationToken);
            }
            foreach ((string name, ServedModel gone) in before)
                if (!after.ContainsKey(name))
                {
                    retired.AddRange(gone.Versions.Values);
                    _options.Log?.LogInformation("model {Model} removed", name);
                }
            Volatile.Write(ref _models, after.ToImmutable());
            foreach (ServedVersion version in retired) version.Retire();
        }
        finally
        {
            _scan.Release();
        }
    }

    private async Task<ServedModel> ScanModelAsync(string name, string folder, ServedModel? old, List<ServedVersion> retired, CancellationToken token)
    {
        var found = new SortedDictionary<long, (string Package, string ConfigFolder)>();
        foreach (string sub in Directory.EnumerateDirectories(folder))
            if (long.TryParse(Path.GetFileName(sub), NumberStyles.None, CultureInfo.InvariantCulture, out long n) && PackageIn(sub) is { } versioned)
                found[n] = (versioned, folder);
        if (found.Count == 0 && PackageIn(folder) is { } single) found[1] = (single, folder);

        var versions = ImmutableSortedDictionary.CreateBuilder<long, ServedVersion>();
        foreach ((long number, (string package, string configFolder)) in found)
        {
            ServedVersion? previous = old?.Versions.GetValueOrDefault(number);
            FileStamp stamp = FileStamp.Of(package, configFolder);
            if (previous is not null && (previous.Stamp == stamp || _tried.GetValueOrDefault(package) == stamp))
            {
                versions[number] = previous;
                continue;
            }
            _tried[package] = stamp;
            ServedVersion loaded = await Task.Run(() => Load(name, number, package, configFolder, stamp), token);
            if (!loaded.Ready && previous is { Ready: true })
            {
                // A changed version that fails to load (a copy still in progress, a bad file) keeps serving its last good load.
                _options.Log?.LogWarning("model {Model} version {Version} changed but failed to load ({Error}); still serving its previous load", name, number, loaded.Error);
                versions[number] = previous;
                continue;
            }
            versions[number] = loaded;
            if (previous is not null) retired.Add(previous);
            _options.Log?.LogInformation("model {Model} version {Version} {What}{Error}", name, number, previous is null ? "loaded" : "reloaded",
                loaded.Error is null ? "" : $" failed: {loaded.Error}");
        }
        if (old is not null)
            foreach ((long number, ServedVersion gone) in old.Versions)
                if (!found.ContainsKey(number)) retired.Add(gone);
        string? error = found.Count == 0 ? $"no {PackageName} (or {RepositoryManifestName} of a multi-organ repository) in {folder} or in numbered version folders inside it" : null;
        return new ServedModel(name, versions.ToImmutable(), error);
    }

    private ServedVersion Load(string name, long number, string package, string configFolder, FileStamp stamp)
    {
        string version = number.ToString(CultureInfo.InvariantCulture);
        BatchingOptions batching = _options.Batching;
        try
        {
            batching = ModelConfig.Read(configFolder, _options.Batching);
            ServedDetector detector;
            // Single-threaded, so that this thread keeps no OpenMP team beside the compute thread's (ComputeThread says why).
            using (ML.Compute.OpenMpThreads.SingleThreaded()) detector = _options.Load(package);
            ServedVersion? served = null;
            served = ServedVersion.Loaded(name, version, package, stamp, detector, batching, _options.Time,
                report => _options.Report?.Invoke(served!, report));
            return served;
        }
        catch (Exception e) when (e is Core.UserInputException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return ServedVersion.Failed(name, version, package, stamp, batching, e.Message);
        }
        catch (Exception e)
        {
            // Whatever else a damaged package makes the loader throw costs this version only, never the server.
            return ServedVersion.Failed(name, version, package, stamp, batching, $"the package could not be loaded: {e.Message}");
        }
    }

    private IEnumerable<string> ModelFolders() =>
        Directory.Exists(_root)
            ? Directory.EnumerateDirectories(_root).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal)
            : [];

    private void Signal() => _changed.TrySetResult();

    private async Task WatchAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                Task changed = _changed.Task;
                await Task.WhenAny(changed, Task.Delay(_options.PollInterval, _options.Time, token));
                if (changed.IsCompleted)
                {
                    await Task.Delay(_options.Debounce, _options.Time, token);
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                await RescanAsync(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _options.Log?.LogError(e, "scanning the model folder {Root} failed", _root);
            }
        }
    }

    /// <summary>Stops watching; every version finishes its queue and is unloaded.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return; // the server stops it, and its owner disposes it too
        await _stop.CancelAsync();
        _watcher?.Dispose();
        if (_loop is not null)
            try { await _loop; }
            catch (OperationCanceledException) { }
        ImmutableSortedDictionary<string, ServedModel> models = Interlocked.Exchange(ref _models, _models.Clear());
        foreach (ServedVersion version in models.Values.SelectMany(m => m.Versions.Values)) version.Retire();
        _stop.Dispose();
    }
}
