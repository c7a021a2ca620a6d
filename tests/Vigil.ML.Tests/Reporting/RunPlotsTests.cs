using Vigil.Imaging;
using Vigil.ML.Reporting;

namespace Vigil.ML.Tests.Reporting;

public class RunPlotsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-plots-").FullName;

    public void Dispose() { if (Environment.GetEnvironmentVariable("VIGIL_KEEP_PLOTS") is { } keep) foreach (var f in Directory.GetFiles(_dir)) File.Copy(f, Path.Combine(keep, Path.GetFileName(f)), true); Directory.Delete(_dir, true); }

    private static ImageFrame Decode(string path) => ImageReaderRegistry.CreateDefault().Read(path).Single().Frame;

    // A chart that drew something has many distinct colours; a blank or failed render has one or two.
    private static int DistinctColours(ImageFrame f)
    {
        var seen = new HashSet<int>();
        for (int i = 0; i + f.Channels <= f.Data.Length; i += f.Channels * 7)
            seen.Add(f.Channels == 1 ? f.Data[i] : f.Data[i] | f.Data[i + 1] << 8 | f.Data[i + 2] << 16);
        return seen.Count;
    }

    [Fact]
    public void Every_plot_is_a_png_with_content()
    {
        var files = new Dictionary<string, Action<string>>
        {
            ["loss.png"] = p => RunPlots.Lines(p, "Loss", "epoch", "loss",
                [new PlotSeries("train", [1, 2, 3, 4], [1.0, 0.6, 0.4, 0.3]), new PlotSeries("val", [1, 2, 3, 4], [1.1, 0.7, 0.5, 0.45])]),
            ["roc.png"] = p => RunPlots.Roc(p, [0, 0, 0.5, 1], [0, 0.5, 1, 1], 0.875),
            ["pr.png"] = p => RunPlots.PrecisionRecall(p, [0, 0.5, 1], [1, 1, 0.66], 0.9),
            ["cm.png"] = p => RunPlots.ConfusionMatrix(p, [[5, 1, 0], [2, 7, 1], [0, 0, 9]], ["normal", "tumor", "hemorrhage"]),
            ["hist.png"] = p => RunPlots.ScoreHistogram(p, [0.1, 0.12, 0.2, 0.15], [0.6, 0.8, 0.7], 0.5),
        };
        foreach (var (name, draw) in files)
        {
            var path = Path.Combine(_dir, name);
            draw(path);
            var frame = Decode(path);
            Assert.Equal((800, 560), (frame.Width, frame.Height));
            Assert.True(DistinctColours(frame) > 8, $"{name} looks blank");
        }
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp.png"));
    }

    [Fact]
    public void Empty_data_still_draws_a_chart()
    {
        var path = Path.Combine(_dir, "empty.png");
        RunPlots.ScoreHistogram(path, [], [], null);
        RunPlots.Roc(Path.Combine(_dir, "roc.png"), [], [], double.NaN);
        Assert.Equal(800, Decode(path).Width);
    }
}
