using System.IO.Compression;
using System.Text.Json;
using TorchSharp;
using Vigil.Core;
using Vigil.ML.Native;
using Vigil.ML.Persistence;

namespace Vigil.ML.Inference;

/// <summary>An open model package (see <see cref="ModelPackage.Open"/>): its manifest, and its weights on demand.</summary>
public sealed class ModelPackageReader : IDisposable
{
    private readonly ZipArchive _archive;

    internal ModelPackageReader(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        if (!File.Exists(path)) throw new ModelPackageException(path, $"there is no model package at {path}; train one with 'vigil train' or check the path");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            _archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw Corrupt($"not a complete zip archive: {e.Message}", e);
        }
        try
        {
            Manifest = ReadManifest();
        }
        catch
        {
            _archive.Dispose();
            throw;
        }
    }

    /// <summary>The package file.</summary>
    public string Path { get; }

    /// <summary>The manifest.</summary>
    public ModelPackageManifest Manifest { get; }

    /// <summary>The names of the weights the package holds.</summary>
    public IReadOnlyList<string> WeightNames => Manifest.Weights.Select(w => w.Name).ToArray();

    /// <summary>Loads the weights named <paramref name="name"/> into <paramref name="module"/> (every name, shape and type must match).</summary>
    /// <exception cref="ModelPackageException">No such weights, a damaged entry, or weights that do not fit the module.</exception>
    public void LoadWeights(string name, torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(module);
        TorchNative.EnsureLoaded();
        ArchiveEntryInfo info = Manifest.Weights.FirstOrDefault(w => w.Name == name)
            ?? throw new ModelPackageException(Path, $"model package {Path} has no weights named '{name}'; it has [{string.Join(", ", WeightNames)}]");
        byte[] data;
        try
        {
            data = ArchiveBlobs.Read(_archive, info.Entry) ?? throw Corrupt($"entry {info.Entry} is missing");
        }
        catch (InvalidDataException e)
        {
            throw Corrupt($"entry {info.Entry} is damaged: {e.Message}", e);
        }
        if (data.LongLength != info.Bytes || ArchiveBlobs.Sha256(data) != info.Sha256)
            throw Corrupt($"entry {info.Entry} does not match its recorded size and SHA-256");
        try
        {
            ArchiveBlobs.IntoModule(data, module);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException)
        {
            throw new ModelPackageException(Path, $"the '{name}' weights in {Path} do not fit the model built for them ({e.Message}); build it from the package's manifest (models.{name})", e);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _archive.Dispose();

    private ModelPackageManifest ReadManifest()
    {
        byte[] json;
        try
        {
            json = ArchiveBlobs.Read(_archive, ModelPackage.ManifestEntry) ?? throw Corrupt($"it has no {ModelPackage.ManifestEntry}: not a Vigil model package");
        }
        catch (InvalidDataException e)
        {
            throw Corrupt($"{ModelPackage.ManifestEntry} is damaged: {e.Message}", e);
        }
        int version;
        try
        {
            version = ArchiveBlobs.PeekFormatVersion(json) ?? throw Corrupt($"{ModelPackage.ManifestEntry} has no format_version");
        }
        catch (JsonException e)
        {
            throw Corrupt($"{ModelPackage.ManifestEntry} is not valid JSON: {e.Message}", e);
        }
        if (version > ModelPackage.FormatVersion)
            throw new ModelPackageException(Path, $"model package {Path} has format version {version}, made by a newer Vigil; this Vigil ({VigilInfo.Version}) reads up to version {ModelPackage.FormatVersion}: upgrade Vigil to use it");
        try
        {
            return JsonSerializer.Deserialize<ModelPackageManifest>(json, ModelPackage.JsonOptions)
                ?? throw Corrupt($"{ModelPackage.ManifestEntry} is null");
        }
        catch (JsonException e)
        {
            throw Corrupt($"{ModelPackage.ManifestEntry} does not describe a model package: {e.Message}", e);
        }
    }

    private ModelPackageException Corrupt(string what, Exception? inner = null) =>
        new(Path, $"model package {Path} is unreadable ({what}); re-export it from the run folder or train again", inner);
}
