using Spectre.Console;
using Vigil.Datasets;

namespace Vigil.Cli.Infrastructure;

/// <summary>
/// Shows <see cref="OrganizeProgress"/> reports: a live bar per stage (files/s, ETA) when stderr is a terminal,
/// otherwise one summary line per finished stage. Always on stderr, so stdout stays clean for --format json.
/// </summary>
public static class StageProgress
{
    /// <summary>Runs <paramref name="work"/> while drawing its progress; returns its result.</summary>
    public static async Task<T> RunAsync<T>(string verb, Func<IProgress<OrganizeProgress>, Task<T>> work, bool quiet = false)
    {
        if (quiet) return await work(new Progress<OrganizeProgress>(_ => { }));
        if (!Terminal.CanDrawProgress) return await work(new LineProgress(verb));

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var sink = new CallbackProgress(report =>
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(report.Stage, out var task))
                            tasks[report.Stage] = task = context.AddTask(report.Stage, maxValue: Math.Max(1, report.Total ?? 1));
                        if (report.Total is { } total) { task.MaxValue = Math.Max(1, total); task.IsIndeterminate = false; }
                        else task.IsIndeterminate = !report.Completed;
                        task.Value = report.Completed ? task.MaxValue : report.Done;
                        // Containers hold many images per file, so images and images/s say more than the file count.
                        var of = report.Total is { } t ? $"/{t:N0}" : "";
                        var rate = report.ImagesPerSecond > 0 ? $", {report.ImagesPerSecond:N0} images/s" : "";
                        task.Description = $"{report.Stage,-5} {report.Done:N0}{of} {report.Unit} ({report.Images:N0} images{rate})";
                        if (report.Completed) task.StopTask();
                    }
                });
                return await work(sink);
            });
    }

    // Synchronous callbacks: Progress<T> would post to the thread pool and reorder reports.
    private sealed class CallbackProgress(Action<OrganizeProgress> onReport) : IProgress<OrganizeProgress>
    {
        public void Report(OrganizeProgress value) => onReport(value);
    }

    private sealed class LineProgress(string verb) : IProgress<OrganizeProgress>
    {
        public void Report(OrganizeProgress value)
        {
            if (!value.Completed) return;
            var rate = value.ImagesPerSecond > 0 ? $", {value.ImagesPerSecond:N0} images/s" : "";
            Console.Error.WriteLine($"{verb}: {value.Stage}: {value.Done:N0} {value.Unit} in {value.Elapsed.TotalSeconds:N1} s{rate}");
        }
    }
}
