using System.Diagnostics;
using System.Globalization;
using Vigil.Core;
using Vigil.Core.Taxonomy;
using Vigil.Datasets.Labels;
using Vigil.Datasets.Manifest;
using Vigil.Datasets.Processing;
using Vigil.Datasets.Sources;
using Vigil.Datasets.Splitting;
using Vigil.Imaging;
using Vigil.Imaging.Numpy;

namespace Vigil.Datasets;

/// <summary>
/// Organizes raw image collections into a dataset folder (see docs/dataset-format.md): scan the sources, read every
/// image once (hash it; write container images as PNG), split, then write the CSVs and JSON files into a staging folder
/// and swap it in. Input problems raise <see cref="DatasetInputException"/>; unreadable files go to rejected.csv.
/// </summary>
public sealed class DatasetOrganizer
{
    private readonly ImageReaderRegistry _registry;
    private readonly TimeProvider _time;

    /// <summary>Creates an organizer that decodes with <paramref name="registry"/>.</summary>
    /// <param name="registry">The readers to use (usually <see cref="ImageReaderRegistry.CreateDefault"/>).</param>
    /// <param name="time">Clock for the <c>created</c> field; the system clock by default.</param>
    public DatasetOrganizer(ImageReaderRegistry registry, TimeProvider? time = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Organizes on a background thread; see <see cref="Organize"/>.</summary>
    public Task<OrganizeResult> OrganizeAsync(OrganizeOptions options, IProgress<OrganizeProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Task.Factory.StartNew(() => Organize(options, progress, cancellationToken), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// Organizes the sources into <c>&lt;OutputRoot&gt;/&lt;Name&gt;/</c>, replacing a dataset of the same name only once the
    /// new one is complete. Progress is reported on the calling thread; an exception thrown by the progress callback,
    /// or cancellation, stops the run and leaves any previous dataset untouched.
    /// </summary>
    /// <exception cref="DatasetInputException">The options or sources are unusable (the message says how to fix them).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public OrganizeResult Organize(OrganizeOptions options, IProgress<OrganizeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        DatasetName.Validate(options.Name);
        var region = NormalizeOverride(options.Region, "--region", AnatomicalRegion.TryNormalize, AnatomicalRegion.All);
        var modality = NormalizeOverride(options.Modality, "--modality", ImagingModality.TryNormalize, ImagingModality.All);
        if (options.Sources is null || options.Sources.Count == 0)
            throw new DatasetInputException("no --source given; pass at least one folder, CSV manifest, .npz, IDX, DICOM or NIfTI path.");
        var outputRoot = Path.GetFullPath(options.OutputRoot);
        var finalPath = Path.Combine(outputRoot, options.Name);
        foreach (var s in options.Sources)
            if (!string.IsNullOrWhiteSpace(s) && FolderScanner.IsSameOrInside(Path.GetFullPath(s), finalPath))
                throw new DatasetInputException($"--source '{s}' lies inside dataset '{options.Name}', which this run replaces; choose another --name or move the source.");

        var stage = new StageReporter(progress);
        stage.Start("scan", null, "files");
        var scan = new SourceScanner(_registry, outputRoot).Scan(options.Sources, cancellationToken);
        stage.Complete(scan.Files.Count, 0, scan.Files.Count);

        using var transaction = DatasetFolderTransaction.Begin(outputRoot, options.Name);
        stage.Start("read", scan.Files.Count, "files");
        var pipeline = new ImagePipeline(_registry, options.ReadOptions, new RecordFactory(region, modality),
            transaction.StagingPath, finalPath, Math.Max(1, options.MaxDegreeOfParallelism));
        var (records, readRejections) = pipeline.Run(scan.Files, () => stage.Update(pipeline.FilesDone, pipeline.ImagesDone), cancellationToken);
        stage.Complete(pipeline.FilesDone, pipeline.ImagesDone);
        var rejected = scan.Rejected.Concat(readRejections).OrderBy(r => r.Order).ThenBy(r => r.Path, StringComparer.Ordinal).ToList();
        if (records.Count == 0)
        {
            var first = rejected.Count > 0 ? $" (first: {rejected[0].Path}: {rejected[0].Reason})" : "";
            throw new DatasetInputException($"none of the {scan.Files.Count} files found could be read as an image{first}; fix or remove the files, or check --source.");
        }

        stage.Start("split", records.Count, "images");
        var classes = LabelMerger.Merge(records);
        var (normalClass, normalSource) = NormalClassResolver.Resolve(options.NormalClass, classes, CatalogNormals(scan));
        var outcome = DatasetSplitter.Apply(records, options.Split, options.Seed);
        var train = records.Where(r => r.IsLabeled && r.Split == "train").ToList();
        var balancedTrain = Balancer.Apply(train, options.Balance, options.Seed);
        stage.Complete(records.Count, records.Count);

        stage.Start("write", 7, "files");
        cancellationToken.ThrowIfCancellationRequested();
        var staging = transaction.StagingPath;
        Directory.CreateDirectory(Path.Combine(staging, DatasetFiles.SplitsFolder));
        DatasetCsv.WriteImages(Path.Combine(staging, DatasetFiles.Labeled), records.Where(r => r.IsLabeled));
        DatasetCsv.WriteImages(Path.Combine(staging, DatasetFiles.Unlabeled), records.Where(r => !r.IsLabeled));
        DatasetCsv.WriteImages(Path.Combine(staging, DatasetFiles.Split("train")), balancedTrain);
        DatasetCsv.WriteImages(Path.Combine(staging, DatasetFiles.Split("val")), records.Where(r => r.IsLabeled && r.Split == "val"));
        DatasetCsv.WriteImages(Path.Combine(staging, DatasetFiles.Split("test")), records.Where(r => r.IsLabeled && r.Split == "test"));
        DatasetCsv.WriteRejected(Path.Combine(staging, DatasetFiles.Rejected), rejected);

        CountImagesPerSource(scan, records);
        var config = TrainingConfigBuilder.Build(records, classes, normalClass);
        var metadata = BuildMetadata(options, scan, records, classes, normalClass, normalSource, outcome, rejected.Count, train, balancedTrain, region, modality);
        DatasetJson.Write(Path.Combine(staging, DatasetFiles.Metadata), metadata);
        DatasetJson.Write(Path.Combine(staging, DatasetFiles.TrainingConfig), config);
        cancellationToken.ThrowIfCancellationRequested();
        stage.Complete(7, records.Count);

        bool replaced = transaction.Commit();
        var elapsed = clock.Elapsed;
        return new OrganizeResult
        {
            DatasetPath = finalPath,
            Metadata = metadata,
            TrainingConfig = config,
            RejectedPath = Path.Combine(finalPath, DatasetFiles.Rejected),
            ReplacedExisting = replaced,
            Elapsed = elapsed,
            ImagesPerSecond = records.Count / Math.Max(elapsed.TotalSeconds, 1e-9),
        };
    }

    private DatasetMetadata BuildMetadata(OrganizeOptions options, ScanResult scan, List<ImageRecord> records, List<string> classes,
        string? normalClass, string normalSource, SplitOutcome outcome, int rejectedCount, List<ImageRecord> train,
        List<ImageRecord> balancedTrain, string? region, string? modality)
    {
        int labeled = records.Count(r => r.IsLabeled);
        return new DatasetMetadata
        {
            Name = options.Name,
            Created = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            Source = scan.Sources.Select(s => new SourceInfo(s.FullPath, s.Kind, s.Files, s.Images)).ToList(),
            NumImages = records.Count,
            NumLabeled = labeled,
            NumUnlabeled = records.Count - labeled,
            LabeledFraction = Math.Round((double)labeled / records.Count, 4),
            Classes = classes,
            NormalClass = normalClass,
            NormalClassSource = normalSource,
            ClassCounts = StatsBuilder.ClassCounts(records, classes),
            UnlabeledCounts = StatsBuilder.UnlabeledCounts(records),
            Regions = StatsBuilder.CountBy(records, static r => r.Region),
            Modalities = StatsBuilder.CountBy(records, static r => r.Modality),
            RegionSource = region is null ? "detected" : "option",
            ModalitySource = modality is null ? "detected" : "option",
            ImageSize = StatsBuilder.ImageSize(records),
            Duplicates = StatsBuilder.Duplicates(records),
            Rejected = new RejectedInfo(rejectedCount, DatasetFiles.Rejected),
            Ignored = scan.Ignored,
            SplitMethod = outcome.Method,
            Split = new SplitInfo(options.Split.Train, options.Split.Val, options.Split.Test),
            Seed = options.Seed,
            Balance = new BalanceInfo(BalanceModes.Name(options.Balance),
                StatsBuilder.CountBy(train, static r => r.Label), StatsBuilder.CountBy(balancedTrain, static r => r.Label)),
            ImagesWritten = records.Count(r => r.Written),
            OfficialSplitOverrides = outcome.OfficialOverrides,
            VigilVersion = VigilInfo.Version,
        };
    }

    private static void CountImagesPerSource(ScanResult scan, List<ImageRecord> records)
    {
        foreach (var r in records) scan.Files[r.FileIndex].Source.Images++;
    }

    // MedMNIST files name their normal class in the catalog; other sources name none.
    private static IEnumerable<string> CatalogNormals(ScanResult scan)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in scan.Files)
            if (file.FullPath.EndsWith(".npz", StringComparison.OrdinalIgnoreCase)
                && MedMnistCatalog.Find(file.FullPath)?.NormalClass is { } normal && seen.Add(normal))
                yield return normal;
    }

    private delegate bool Normalizer(string? value, out string canonical);

    private static string? NormalizeOverride(string? value, string option, Normalizer normalize, IReadOnlyList<string> known)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (normalize(value, out var canonical)) return canonical;
        throw new DatasetInputException($"{option} '{value}' is not known; use one of {string.Join(", ", known)} (synonyms such as thorax or xray also work).");
    }
}
