using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using Vigil.Core;
using Vigil.Core.Json;
using Vigil.ML.Native;
using Vigil.ML.Persistence;

namespace Vigil.ML.Inference;

/// <summary>
/// The trained model as one self-contained file (<c>model.vigil</c>): a zip with <c>manifest.json</c>
/// (<see cref="ModelPackageManifest"/>) and one <c>weights/&lt;name&gt;.bin</c> per sub-model, in TorchSharp's
/// <c>Module.save</c> format (parameters and buffers, so BatchNorm statistics travel too). Written atomically; each
/// weights entry's SHA-256 is in the manifest and checked before loading. See docs/training-internals.md.
/// </summary>
public static class ModelPackage
{
    /// <summary>The layout version this Vigil writes and the newest it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The usual file extension.</summary>
    public const string Extension = ".vigil";

    internal const string ManifestEntry = "manifest.json";

    /// <summary>Readable JSON; NaN is accepted so a degenerate calibration value cannot make a package unwritable.</summary>
    internal static JsonSerializerOptions JsonOptions { get; } = new(VigilJson.Options)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Writes <paramref name="manifest"/> and the weights of <paramref name="modules"/> to <paramref name="path"/>,
    /// atomically (an existing package is replaced only once the new one is complete on disk).
    /// </summary>
    /// <param name="path">The package file, usually ending in <see cref="Extension"/>.</param>
    /// <param name="manifest">The description; its version, creation time and weights index are filled in here.</param>
    /// <param name="modules">Sub-models by name (<c>classifier</c>, <c>vae</c>…); a model the manifest configures must be among them.</param>
    /// <returns>The manifest as written.</returns>
    /// <exception cref="ArgumentException">The manifest is inconsistent (see the message).</exception>
    public static ModelPackageManifest Save(string path, ModelPackageManifest manifest, IReadOnlyDictionary<string, torch.nn.Module> modules)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(modules);
        Validate(manifest, modules);
        TorchNative.EnsureLoaded();

        var blobs = new List<(ArchiveEntryInfo Info, byte[] Data)>();
        foreach ((string name, torch.nn.Module module) in modules)
        {
            byte[] data = ArchiveBlobs.FromModule(module);
            blobs.Add((new ArchiveEntryInfo(name, ArchiveEntryKind.Module, $"weights/{name}.bin", data.LongLength, ArchiveBlobs.Sha256(data)), data));
        }
        ModelPackageManifest written = manifest with
        {
            FormatVersion = FormatVersion,
            VigilVersion = VigilInfo.Version,
            Created = manifest.Created == default ? DateTimeOffset.UtcNow : manifest.Created,
            Weights = blobs.Select(b => b.Info).ToArray(),
        };
        AtomicFile.Write(path, stream =>
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            ArchiveBlobs.WriteJson(archive, ManifestEntry, written, JsonOptions);
            foreach ((ArchiveEntryInfo info, byte[] data) in blobs) ArchiveBlobs.Write(archive, info.Entry, data);
        });
        return written;
    }

    /// <summary>Opens a package to read its manifest and load several sub-models without reopening it.</summary>
    /// <exception cref="ModelPackageException">The file is missing, damaged, not a package, or from a newer Vigil.</exception>
    public static ModelPackageReader Open(string path) => new(path);

    /// <summary>Reads the manifest only.</summary>
    /// <exception cref="ModelPackageException">The file is missing, damaged, not a package, or from a newer Vigil.</exception>
    public static ModelPackageManifest ReadManifest(string path)
    {
        using ModelPackageReader reader = Open(path);
        return reader.Manifest;
    }

    /// <summary>Loads the weights named <paramref name="name"/> into <paramref name="module"/>, built from the manifest's configuration.</summary>
    /// <exception cref="ModelPackageException">The package is unusable, has no such weights, or they do not fit the module.</exception>
    public static void LoadWeights(string path, string name, torch.nn.Module module)
    {
        using ModelPackageReader reader = Open(path);
        reader.LoadWeights(name, module);
    }

    private static void Validate(ModelPackageManifest manifest, IReadOnlyDictionary<string, torch.nn.Module> modules)
    {
        if (modules.Count == 0) throw new ArgumentException("a model package needs at least one module", nameof(modules));
        foreach (string name in modules.Keys) PartNames.Validate(name);
        if (manifest.Classes is not { Count: > 0 }) throw new ArgumentException("the manifest lists no classes", nameof(manifest));
        if (manifest.Classes.Distinct(StringComparer.Ordinal).Count() != manifest.Classes.Count)
            throw new ArgumentException("the manifest lists a class twice", nameof(manifest));
        if (manifest.NormalClass is { } normal && !manifest.Classes.Contains(normal, StringComparer.Ordinal))
            throw new ArgumentException($"the normal class '{normal}' is not among the classes", nameof(manifest));
        if (manifest.ImageSize < 1) throw new ArgumentException("the image size must be positive", nameof(manifest));
        if (manifest.Channels < 1) throw new ArgumentException("the channel count must be positive", nameof(manifest));
        PackageNormalization norm = manifest.Normalization ?? throw new ArgumentException("the manifest has no normalisation", nameof(manifest));
        if (norm.Mean.Count != manifest.Channels || norm.Std.Count != manifest.Channels)
            throw new ArgumentException($"normalisation needs one mean and one std per channel ({manifest.Channels}); got {norm.Mean.Count} and {norm.Std.Count}", nameof(manifest));
        if (norm.Std.Any(s => !(s > 0) || !double.IsFinite(s)) || norm.Mean.Any(m => !double.IsFinite(m)))
            throw new ArgumentException("normalisation means must be finite and stds positive", nameof(manifest));
        if (manifest.Models.Classifier is not null && !modules.ContainsKey("classifier"))
            throw new ArgumentException("the manifest configures a classifier but no 'classifier' module was given", nameof(modules));
        if (manifest.Models.Vae is not null && !modules.ContainsKey("vae"))
            throw new ArgumentException("the manifest configures a VAE but no 'vae' module was given", nameof(modules));
        if (manifest.Models.Router is { } router)
        {
            if (!modules.ContainsKey("router") || !modules.ContainsKey("router_ood"))
                throw new ArgumentException("the manifest configures a router but the 'router' and 'router_ood' modules were not both given", nameof(modules));
            if (!router.Routes.Select(r => r.Name).SequenceEqual(manifest.Classes))
                throw new ArgumentException("the router's routes must be the manifest's classes, in the same order", nameof(manifest));
            if (!(router.Temperature > 0) || !double.IsFinite(router.OodThreshold))
                throw new ArgumentException("the router needs a positive temperature and a finite OOD threshold", nameof(manifest));
        }
        if (manifest.Models.Classifier is { NumClasses: var n } && n != manifest.Classes.Count)
            throw new ArgumentException($"the classifier has {n} outputs but the manifest lists {manifest.Classes.Count} classes", nameof(manifest));
        if (manifest.HybridWeights is { } w && (!(w.Supervised >= 0) || !(w.Unsupervised >= 0) || w.Supervised + w.Unsupervised <= 0))
            throw new ArgumentException("hybrid weights must be ≥ 0 and not both zero", nameof(manifest));
    }
}
