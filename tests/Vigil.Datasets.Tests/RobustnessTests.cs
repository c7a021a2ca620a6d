using Vigil.Datasets.Tests.Support;

namespace Vigil.Datasets.Tests;

/// <summary>Bad files, failures midway, cancellation, leftovers: the previous dataset survives and nothing leaks.</summary>
public class RobustnessTests
{
    private static string Source(TempFolder tmp, int perClass = 6)
    {
        var src = tmp.Sub("src");
        TestImages.Pngs(Path.Combine(src, "normal"), perClass, 1);
        TestImages.Pngs(Path.Combine(src, "tumor"), perClass, 100);
        return src;
    }

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);

    [Fact]
    public void Corrupt_images_go_to_rejected_csv_and_the_run_continues()
    {
        using var tmp = new TempFolder();
        var src = Source(tmp);
        var good = File.ReadAllBytes(Path.Combine(src, "normal", "img_000.png"));
        File.WriteAllBytes(Path.Combine(src, "normal", "truncated.png"), good[..(good.Length / 2)]);
        File.WriteAllText(Path.Combine(src, "tumor", "text.png"), "this is not a picture");
        File.WriteAllBytes(Path.Combine(src, "tumor", "empty.png"), []);

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        Assert.Equal(12, result.Metadata.NumImages);
        Assert.Equal(3, result.Metadata.Rejected.Count);
        var rejected = CsvRows.Read(result.RejectedPath);
        Assert.Equal(["empty.png", "text.png", "truncated.png"], rejected.Select(r => Path.GetFileName(r["path"])).Order().ToArray());
        Assert.All(rejected, r => Assert.False(string.IsNullOrWhiteSpace(r["reason"])));
        Assert.DoesNotContain(Organize.AllRows(result), r => r["path"].Contains("truncated"));
    }

    [Fact]
    public void A_failure_midway_leaves_the_previous_dataset_intact_and_no_staging_folder()
    {
        using var tmp = new TempFolder();
        var src = Source(tmp);
        var output = tmp.Sub("out");
        var first = Organize.Run(output, "ds", src);
        var before = Snapshot(first.DatasetPath);
        TestImages.Pngs(Path.Combine(src, "tumor", "more"), 5, 500);

        var progress = new ThrowingProgress("read");
        Assert.Throws<InvalidOperationException>(() =>
            Organize.Run(new OrganizeOptions { Sources = [src], Name = "ds", OutputRoot = output }, progress));

        Assert.Equal(before.Keys.Order(), Snapshot(first.DatasetPath).Keys.Order());
        foreach (var (file, bytes) in Snapshot(first.DatasetPath)) Assert.Equal(before[file], bytes);
        Assert.Equal(["ds"], Directory.GetDirectories(output).Select(d => Path.GetFileName(d)!).ToArray());
    }

    [Fact]
    public void Cancellation_stops_the_run_and_keeps_the_previous_dataset()
    {
        using var tmp = new TempFolder();
        var src = Source(tmp, 30);
        var output = tmp.Sub("out");
        var first = Organize.Run(output, "ds", src);
        var before = File.ReadAllBytes(Path.Combine(first.DatasetPath, "labeled.csv"));
        using var cancel = new CancellationTokenSource();
        var progress = new CallbackProgress(p => { if (p.Stage == "read") cancel.Cancel(); });

        Assert.ThrowsAny<OperationCanceledException>(() =>
            Organize.Run(new OrganizeOptions { Sources = [src], Name = "ds", OutputRoot = output }, progress, cancel.Token));

        Assert.Equal(before, File.ReadAllBytes(Path.Combine(first.DatasetPath, "labeled.csv")));
        Assert.Equal(["ds"], Directory.GetDirectories(output).Select(d => Path.GetFileName(d)!).ToArray());
    }

    [Fact]
    public void Leftovers_of_a_killed_run_are_cleaned_and_a_dataset_caught_between_renames_is_restored()
    {
        using var tmp = new TempFolder();
        var src = Source(tmp);
        var output = tmp.Sub("out");
        var first = Organize.Run(output, "ds", src);
        // Simulate a run killed after renaming the old dataset away, with its staging folder left behind.
        var old = Path.Combine(output, ".ds.old-abcdef012345");
        Directory.Move(first.DatasetPath, old);
        Directory.CreateDirectory(Path.Combine(output, ".ds.tmp-0123456789ab", "images"));
        File.WriteAllText(Path.Combine(output, ".ds.tmp-0123456789ab", "half.csv"), "x");
        Directory.CreateDirectory(Path.Combine(output, ".ds.tmp-x.tmp-0123456789ab")); // staging of a dataset named "ds.tmp-x"
        Directory.CreateDirectory(Path.Combine(output, ".other.tmp-999")); // another dataset's business

        Assert.Throws<InvalidOperationException>(() =>
            Organize.Run(new OrganizeOptions { Sources = [src], Name = "ds", OutputRoot = output }, new ThrowingProgress("read")));

        Assert.True(File.Exists(Path.Combine(output, "ds", "metadata.json")));
        Assert.Equal([".ds.tmp-x.tmp-0123456789ab", ".other.tmp-999", "ds"], Directory.GetDirectories(output).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void A_second_run_on_the_same_dataset_while_one_holds_the_lock_is_refused()
    {
        using var tmp = new TempFolder();
        var src = Source(tmp);
        var output = tmp.Sub("out");
        using var held = new FileStream(Path.Combine(output, ".ds.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var e = Assert.Throws<DatasetInputException>(() => Organize.Run(output, "ds", src));

        Assert.Contains("another 'vigil organize'", e.Message);
    }

    [Fact]
    public void Nothing_is_written_outside_the_output_folder()
    {
        using var tmp = new TempFolder();
        var src = Source(tmp);
        var npz = tmp.File("pneumoniamnist.npz");
        Python.Run("import numpy as np, sys; np.savez(sys.argv[1], train_images=np.zeros((5,28,28),np.uint8)+np.arange(5).reshape(5,1,1).astype(np.uint8), train_labels=np.zeros((5,1),np.uint8))", npz);
        var before = Snapshot(tmp.Path);
        var mtimes = Directory.GetFiles(tmp.Path, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);

        var result = Organize.Run(tmp.File("out"), "ds", src, npz);

        var after = Directory.GetFiles(tmp.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tmp.Path, f)).ToList();
        Assert.All(after.Where(f => !before.ContainsKey(f)), f => Assert.StartsWith("out" + Path.DirectorySeparatorChar, f));
        foreach (var (file, time) in mtimes) Assert.Equal(time, File.GetLastWriteTimeUtc(file));
        Assert.Equal(5, result.Metadata.ImagesWritten);
    }

    [Fact]
    public void Progress_reports_every_stage_in_order_with_a_final_report_each()
    {
        using var tmp = new TempFolder();
        var src = Source(tmp);
        var reports = new List<OrganizeProgress>();

        Organize.Run(new OrganizeOptions { Sources = [src], Name = "ds", OutputRoot = tmp.Sub("out") }, new CallbackProgress(reports.Add));

        var completed = reports.Where(r => r.Completed).ToList();
        Assert.Equal(["scan", "read", "split", "write"], completed.Select(r => r.Stage).ToArray());
        var read = completed[1];
        Assert.Equal(12, read.Done);
        Assert.Equal(12, read.Total);
        Assert.Equal("files", read.Unit);
        Assert.Equal(12, read.Images);
        Assert.True(read.ImagesPerSecond > 0);
        Assert.Equal(["scan", "read", "split", "write"], reports.Select(r => r.Stage).Distinct().ToArray());
    }

    private sealed class ThrowingProgress(string stage) : IProgress<OrganizeProgress>
    {
        public void Report(OrganizeProgress value)
        {
            if (value.Stage == stage) throw new InvalidOperationException("progress sink failed");
        }
    }

    private sealed class CallbackProgress(Action<OrganizeProgress> action) : IProgress<OrganizeProgress>
    {
        public void Report(OrganizeProgress value) => action(value);
    }
}
