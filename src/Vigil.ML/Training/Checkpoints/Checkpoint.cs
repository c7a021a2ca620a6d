using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using Vigil.Core;
using Vigil.Core.Json;
using Vigil.ML.Native;
using Vigil.ML.Persistence;

namespace Vigil.ML.Training.Checkpoints;

/// <summary>
/// One training checkpoint file: a zip holding <c>header.json</c> (<see cref="CheckpointHeader"/>),
/// <c>modules/&lt;name&gt;.bin</c>, <c>optimizers/&lt;name&gt;.bin</c> and <c>rng/torch_cpu.bin</c>. Written atomically;
/// every entry's SHA-256 is checked before anything is loaded. See docs/training-internals.md.
/// </summary>
public static class Checkpoint
{
    /// <summary>The layout version this Vigil writes and the newest it reads.</summary>
    public const int FormatVersion = 1;

    internal const string HeaderEntry = "header.json";
    private const string RngName = "torch_cpu";

    /// <summary>Readable JSON that also accepts NaN (a metric can be NaN; the state must still save).</summary>
    internal static JsonSerializerOptions JsonOptions { get; } = new(VigilJson.Options)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes a checkpoint of <paramref name="parts"/> and <paramref name="state"/> to <paramref name="path"/>, atomically.</summary>
    /// <returns>The header written, with the entries' sizes and hashes.</returns>
    public static CheckpointHeader Save(string path, CheckpointState state, CheckpointParts parts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parts);
        TorchNative.EnsureLoaded();

        // Serialise everything first: the hashes go into the header, and nothing touches the disk until it all worked.
        var blobs = new List<(ArchiveEntryInfo Info, byte[] Data)>();
        foreach ((string name, torch.nn.Module module) in parts.Modules)
            blobs.Add(Blob(name, ArchiveEntryKind.Module, $"modules/{name}.bin", ArchiveBlobs.FromModule(module)));
        foreach ((string name, OptimizerHelper optimizer) in parts.Optimizers)
            blobs.Add(Blob(name, ArchiveEntryKind.Optimizer, $"optimizers/{name}.bin", ArchiveBlobs.FromOptimizer(optimizer)));
        if (parts.IncludeTorchRng)
            blobs.Add(Blob(RngName, ArchiveEntryKind.Rng, $"rng/{RngName}.bin", TorchRng.CaptureCpuState()));

        var header = new CheckpointHeader
        {
            FormatVersion = FormatVersion,
            VigilVersion = VigilInfo.Version,
            TorchSharpVersion = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0],
            Created = DateTimeOffset.UtcNow,
            State = state,
            Entries = blobs.Select(b => b.Info).ToArray(),
        };
        AtomicFile.Write(path, stream =>
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            ArchiveBlobs.WriteJson(archive, HeaderEntry, header, JsonOptions);
            foreach ((ArchiveEntryInfo info, byte[] data) in blobs) ArchiveBlobs.Write(archive, info.Entry, data);
        });
        return header;
    }

    /// <summary>Reads only the header (fast: no tensors), e.g. to tell the user which epoch <c>--resume</c> continues from.</summary>
    /// <exception cref="CheckpointException">The file is missing, damaged or from a newer Vigil.</exception>
    public static CheckpointHeader ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using ZipArchive archive = Open(path);
        return ReadHeader(archive, path);
    }

    /// <summary>
    /// Restores <paramref name="parts"/> (module weights and buffers, optimizer state, libtorch's CPU random state)
    /// from <paramref name="path"/> after checking it fits this run, and returns the plain state (epoch, step, schedule,
    /// early stopping, data state) for the trainer to continue from.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="expected">This run's fingerprint; any difference is refused before a tensor is touched.</param>
    /// <param name="parts">Freshly built objects to load into. On an error they may be partly loaded: discard them.</param>
    /// <exception cref="CheckpointCorruptException">The file is damaged or incomplete.</exception>
    /// <exception cref="CheckpointMismatchException">It belongs to another set-up, or its tensors do not fit <paramref name="parts"/>.</exception>
    /// <exception cref="CheckpointException">It is missing or from a newer Vigil.</exception>
    public static CheckpointState Restore(string path, CheckpointFingerprint expected, CheckpointParts parts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(parts);
        TorchNative.EnsureLoaded();
        using ZipArchive archive = Open(path);
        CheckpointHeader header = ReadHeader(archive, path);

        IReadOnlyList<string> differences = header.State.Fingerprint.DifferencesFrom(expected);
        if (differences.Count > 0)
            throw new CheckpointMismatchException(path, $"checkpoint vs this run: {string.Join("; ", differences)}");
        CheckSameNames(path, "modules", header, ArchiveEntryKind.Module, parts.Modules.Keys);
        if (parts.IncludeOptimizers) CheckSameNames(path, "optimizers", header, ArchiveEntryKind.Optimizer, parts.Optimizers.Keys);
        ArchiveEntryInfo? rng = header.Entries.FirstOrDefault(e => e.Kind == ArchiveEntryKind.Rng);
        if (parts.IncludeTorchRng && rng is null)
            throw new CheckpointMismatchException(path, "it holds no random-generator state, so the run cannot continue exactly");

        // Read and verify every entry before loading any, so a damaged file leaves the objects untouched.
        Dictionary<ArchiveEntryInfo, byte[]> data = header.Entries
            .Where(e => (e.Kind != ArchiveEntryKind.Rng || parts.IncludeTorchRng) && (e.Kind != ArchiveEntryKind.Optimizer || parts.IncludeOptimizers))
            .ToDictionary(e => e, e => ReadVerified(archive, path, e));

        foreach ((ArchiveEntryInfo info, byte[] bytes) in data)
        {
            try
            {
                switch (info.Kind)
                {
                    case ArchiveEntryKind.Module: ArchiveBlobs.IntoModule(bytes, parts.Modules[info.Name]); break;
                    case ArchiveEntryKind.Optimizer: ArchiveBlobs.IntoOptimizer(bytes, parts.Optimizers[info.Name]); break;
                    case ArchiveEntryKind.Rng: TorchRng.RestoreCpuState(bytes); break;
                }
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException or InvalidCastException)
            {
                throw new CheckpointMismatchException(path, $"its {info.Kind.ToString().ToLowerInvariant()} '{info.Name}' does not fit the one built for this run: {e.Message}", e);
            }
        }
        return header.State;
    }

    private static (ArchiveEntryInfo, byte[]) Blob(string name, ArchiveEntryKind kind, string entry, byte[] data) =>
        (new ArchiveEntryInfo(name, kind, entry, data.LongLength, ArchiveBlobs.Sha256(data)), data);

    private static ZipArchive Open(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, $"there is no checkpoint at {path}; train without --resume to start a new run");
        FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new CheckpointCorruptException(path, $"not a complete zip archive: {e.Message}", e);
        }
    }

    private static CheckpointHeader ReadHeader(ZipArchive archive, string path)
    {
        byte[] json;
        try
        {
            json = ArchiveBlobs.Read(archive, HeaderEntry) ?? throw new CheckpointCorruptException(path, $"it has no {HeaderEntry}");
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointCorruptException(path, $"{HeaderEntry} is damaged: {e.Message}", e);
        }
        int version;
        try
        {
            version = ArchiveBlobs.PeekFormatVersion(json) ?? throw new CheckpointCorruptException(path, $"{HeaderEntry} has no format_version");
        }
        catch (JsonException e)
        {
            throw new CheckpointCorruptException(path, $"{HeaderEntry} is not valid JSON: {e.Message}", e);
        }
        if (version > FormatVersion)
            throw new CheckpointException(path, $"checkpoint {path} has format version {version}, made by a newer Vigil; this Vigil ({VigilInfo.Version}) reads up to version {FormatVersion}: upgrade Vigil to resume it");
        try
        {
            return JsonSerializer.Deserialize<CheckpointHeader>(json, JsonOptions)
                ?? throw new CheckpointCorruptException(path, $"{HeaderEntry} is null");
        }
        catch (JsonException e)
        {
            throw new CheckpointCorruptException(path, $"{HeaderEntry} does not describe a checkpoint: {e.Message}", e);
        }
    }

    private static void CheckSameNames(string path, string what, CheckpointHeader header, ArchiveEntryKind kind, IEnumerable<string> wanted)
    {
        string[] saved = header.Entries.Where(e => e.Kind == kind).Select(e => e.Name).Order(StringComparer.Ordinal).ToArray();
        string[] expected = wanted.Order(StringComparer.Ordinal).ToArray();
        if (!saved.SequenceEqual(expected, StringComparer.Ordinal))
            throw new CheckpointMismatchException(path, $"it holds {what} [{string.Join(", ", saved)}] but this run has [{string.Join(", ", expected)}]");
    }

    private static byte[] ReadVerified(ZipArchive archive, string path, ArchiveEntryInfo info)
    {
        byte[] data;
        try
        {
            data = ArchiveBlobs.Read(archive, info.Entry) ?? throw new CheckpointCorruptException(path, $"entry {info.Entry} is missing");
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointCorruptException(path, $"entry {info.Entry} is damaged: {e.Message}", e);
        }
        if (data.LongLength != info.Bytes || ArchiveBlobs.Sha256(data) != info.Sha256)
            throw new CheckpointCorruptException(path, $"entry {info.Entry} does not match its recorded size and SHA-256");
        return data;
    }
}
