using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Core;
using Vigil.ML.Inference;
using static TorchSharp.torch;

namespace Vigil.Cli.Tests;

/// <summary>
/// The library detector over a real trained package: it answers exactly what <c>vigil detect</c> prints, honours a
/// call's threshold, survives a corrupt input, reads bytes and pixels as it reads files, and loads packages written
/// before the preprocessing section existed.
/// </summary>
public class DetectorTests : IClassFixture<TrainedRunFixture>
{
    private readonly TrainedRunFixture _run;

    public DetectorTests(TrainedRunFixture run)
    {
        _run = run;
        Assert.True(run.Training.ExitCode == 0, run.Training.Stderr);
    }

    private List<string> Images(int perClass = 2) =>
        new[] { ("brain_mri", "tumor"), ("brain_mri", "normal"), ("chest_xray", "normal") }
            .SelectMany(f => Directory.GetFiles(_run.Dir.Combine("s", f.Item1, f.Item2), "*.png").Order(StringComparer.Ordinal).Take(perClass))
            .ToList();

    [Fact]
    public void The_detector_answers_what_vigil_detect_prints()
    {
        var images = Images();
        var cli = VigilProcess.Run(_run.Dir.Path, ["detect", "--model", _run.Model, .. images, "--format", "json"]);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        var rows = JsonDocument.Parse(cli.Stdout).RootElement.EnumerateArray().ToList();

        using var detector = Detector.Load(_run.Model, CPU);
        var outcomes = detector.Detect(images);

        Assert.Equal(rows.Count, outcomes.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var (row, o) = (rows[i], outcomes[i]);
            Assert.Equal(row.GetProperty("path").GetString(), o.Path);
            Assert.Equal(row.GetProperty("is_anomaly").GetBoolean(), o.IsAnomaly);
            Assert.Equal(row.GetProperty("predicted_class").GetInt32(), o.PredictedClass);
            Assert.Equal(row.GetProperty("predicted_class_name").GetString(), o.PredictedClassName);
            foreach (var (key, value) in new[] { ("confidence", o.Confidence), ("anomaly_score", o.AnomalyScore), ("supervised_score", o.SupervisedScore), ("reconstruction_score", o.ReconstructionScore) })
                Assert.Equal(row.GetProperty(key).GetDouble(), value!.Value, 1e-5);
        }
    }

    [Fact]
    public void A_calls_threshold_overrides_the_packages()
    {
        var images = Images();
        using var detector = Detector.Load(_run.Model, CPU);
        var byPackage = detector.Detect(images);
        double between = byPackage.Select(o => o.AnomalyScore!.Value).Order().ElementAt(images.Count / 2);
        var byCall = detector.Detect(images, new DetectOptions { Threshold = between });

        Assert.All(byPackage, o => Assert.Equal(o.AnomalyScore >= detector.Threshold || o.CriticalClass is not null, o.IsAnomaly));
        Assert.All(byCall, o => Assert.Equal(o.AnomalyScore >= between || o.CriticalClass is not null, o.IsAnomaly));
        Assert.Equal(byPackage.Select(o => o.AnomalyScore), byCall.Select(o => o.AnomalyScore)); // only the decision moves
        Assert.All(detector.Detect(images, new DetectOptions { Threshold = 0 }), o => Assert.True(o.IsAnomaly));
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Detect(images, new DetectOptions { Threshold = 1.5 }));
    }

    [Fact]
    public void A_corrupt_input_is_reported_and_the_others_are_detected()
    {
        var images = Images(1);
        var corrupt = _run.Dir.Combine("corrupt-for-detector.png");
        File.WriteAllBytes(corrupt, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        using var detector = Detector.Load(_run.Model, CPU);

        var outcomes = detector.Detect([images[0], corrupt, _run.Dir.Combine("missing.png"), .. images.Skip(1)]);

        Assert.Equal(images.Count + 2, outcomes.Count);
        Assert.Equal(corrupt, outcomes[1].Path);
        Assert.NotNull(outcomes[1].Error);
        Assert.Null(outcomes[1].AnomalyScore);
        Assert.NotNull(outcomes[2].Error);
        Assert.All(outcomes.Where((_, i) => i is not (1 or 2)), o => { Assert.Null(o.Error); Assert.NotNull(o.AnomalyScore); });
        Assert.Equal(detector.Detect(images).Select(o => o.AnomalyScore), outcomes.Where(o => o.Error is null).Select(o => o.AnomalyScore));
    }

    [Fact]
    public void Bytes_and_pixels_are_read_as_the_file_is()
    {
        var image = Images(1)[0];
        using var detector = Detector.Load(_run.Model, CPU);
        var frame = new Vigil.Imaging.Png.PngReader().Read(image, Vigil.Imaging.ImageReadOptions.Default).Single().Frame;
        Assert.Equal(1, frame.Channels);
        Assert.Equal(8, frame.BitDepth);
        float[] unit = frame.Data.Select(b => b / 255f).ToArray();

        var outcomes = detector.Detect([
            DetectorInput.File(image),
            DetectorInput.Encoded("upload.png", File.ReadAllBytes(image)),
            DetectorInput.Pixels("bytes", frame.Data.ToArray(), 1, frame.Height, frame.Width),
            DetectorInput.Pixels("floats", unit, 1, frame.Height, frame.Width),
        ], new DetectOptions { ErrorMaps = true, OverlayFolder = _run.Dir.Combine("detector-overlays") });

        Assert.Equal(["upload.png", "bytes", "floats"], outcomes.Skip(1).Select(o => o.Path));
        foreach (var o in outcomes.Skip(1))
        {
            Assert.Null(o.Error);
            Assert.Equal(outcomes[0].AnomalyScore!.Value, o.AnomalyScore!.Value, 1e-6);
            Assert.Equal(outcomes[0].Confidence!.Value, o.Confidence!.Value, 1e-6);
        }
        Assert.All(outcomes, o => Assert.True(File.Exists(o.OverlayPath), o.OverlayPath));
        var map = outcomes[0].ErrorMap!;
        Assert.Equal(map.Height * map.Width, map.Values.Length);
        Assert.Throws<ArgumentException>(() => DetectorInput.Pixels("short", new byte[10], 1, 4, 4));
    }

    [Fact]
    public void The_package_records_how_training_read_images_and_one_without_the_record_still_loads()
    {
        var written = ModelPackage.ReadManifest(_run.Model).Preprocessing;
        Assert.NotNull(written);
        Assert.Equal(PackagePreprocessing.Current, written);
        Assert.Equal("axial", written.SliceAxis);
        Assert.Equal("windowed", written.DicomValues);

        var old = _run.Dir.Combine("without-preprocessing.vigil");
        RewriteManifest(old, manifest => manifest.Remove("preprocessing"));
        Assert.Null(ModelPackage.ReadManifest(old).Preprocessing);
        var images = Images(1);
        using (var current = Detector.Load(_run.Model, CPU))
        using (var legacy = Detector.Load(old, CPU))
        {
            Assert.Equal(Vigil.Imaging.ImageReadOptions.Default, legacy.ReadOptions);
            Assert.Equal(current.Detect(images).Select(o => o.AnomalyScore), legacy.Detect(images).Select(o => o.AnomalyScore));
        }

        var coronal = _run.Dir.Combine("coronal.vigil");
        RewriteManifest(coronal, manifest => manifest["preprocessing"]!["slice_axis"] = "coronal");
        using (var sliced = Detector.Load(coronal, CPU))
            Assert.Equal(Vigil.Imaging.SliceAxis.Coronal, sliced.ReadOptions.SliceAxis);

        var future = _run.Dir.Combine("future.vigil");
        RewriteManifest(future, manifest => manifest["preprocessing"]!["channel_policy"] = "perceptual-v2");
        var e = Assert.Throws<UserInputException>(() => Detector.Load(future, CPU));
        Assert.Contains("preprocessing.channel_policy 'perceptual-v2'", e.Message);
        Assert.Contains("use the version that trained it", e.Message);
    }

    // A copy of the trained package with its manifest edited (the weights' checksums do not cover the manifest).
    private void RewriteManifest(string copy, Action<JsonObject> edit)
    {
        File.Copy(_run.Model, copy, overwrite: true);
        using var archive = ZipFile.Open(copy, ZipArchiveMode.Update);
        var entry = archive.GetEntry("manifest.json")!;
        JsonObject manifest;
        using (var stream = entry.Open()) manifest = JsonNode.Parse(stream)!.AsObject();
        entry.Delete();
        edit(manifest);
        using var writer = new StreamWriter(archive.CreateEntry("manifest.json").Open());
        writer.Write(manifest.ToJsonString());
    }
}
