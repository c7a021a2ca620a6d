using System.Text.Json;

namespace Vigil.Cli.Tests;

public class OrganizeCliTests
{
    [Fact]
    public void Missing_source_is_a_one_line_error_with_exit_2()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "organize", "--source", dir.Combine("nope"), "--name", "x");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("nope", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.Combine("datasets")));
    }

    [Fact]
    public void Split_that_does_not_sum_to_100_is_refused()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.Combine("src"));
        var run = VigilProcess.Run(dir.Path, "organize", "--source", dir.Combine("src"), "--name", "x", "--split", "70/20/20");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("sums to 110", run.Stderr);
    }

    [Fact]
    public void Without_arguments_and_without_a_terminal_it_does_not_prompt()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "organize");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--source", run.Stderr);
    }

    [Fact]
    public void Sample_then_organize_as_json_then_list()
    {
        using var dir = new TempFolder();
        var sample = VigilProcess.Run(dir.Path, "sample", "--output", "s", "--per-organ", "40", "--format", "json");
        Assert.Equal(0, sample.ExitCode);
        var manifest = JsonDocument.Parse(sample.Stdout).RootElement.GetProperty("manifest_path").GetString()!;
        Assert.True(File.Exists(manifest));

        var run = VigilProcess.Run(dir.Path, "organize", "--source", manifest, "--name", "demo_set", "--output", "out", "--format", "json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JsonDocument.Parse(run.Stdout).RootElement; // stdout holds exactly one JSON document
        var metadata = json.GetProperty("metadata");
        Assert.Equal(80, metadata.GetProperty("num_images").GetInt32());
        Assert.Contains("tumor", metadata.GetProperty("classes").EnumerateArray().Select(e => e.GetString()));
        var strategy = json.GetProperty("training_config").GetProperty("strategy").GetString();
        Assert.Contains(strategy, new[] { "supervised", "unsupervised", "hybrid" });
        foreach (var file in new[] { "labeled.csv", "unlabeled.csv", "metadata.json", "training_config.json", "splits/train.csv", "splits/val.csv", "splits/test.csv" })
            Assert.True(File.Exists(dir.Combine("out", "demo_set", file)), file);

        var list = VigilProcess.Run(dir.Path, "datasets", "list", "--output", "out", "--format", "json");
        Assert.Equal(0, list.ExitCode);
        var datasets = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("datasets");
        Assert.Equal("demo_set", Assert.Single(datasets.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(80, datasets[0].GetProperty("num_images").GetInt32());
    }

    [Fact]
    public void Sample_refuses_out_of_range_counts()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "sample", "--output", "s", "--per-organ", "3");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--per-organ", run.Stderr);
        Assert.False(Directory.Exists(dir.Combine("s")));
    }
}
