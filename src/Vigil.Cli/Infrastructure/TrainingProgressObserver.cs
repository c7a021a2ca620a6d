using System.Globalization;
using Vigil.Core.Runs;

namespace Vigil.Cli.Infrastructure;

/// <summary>
/// Draws training progress on stderr: on a terminal, a live bar for the current epoch (loss, images/s, ETA)
/// redrawn in place; when redirected, one line per epoch. Evaluation and status lines are printed in both cases.
/// </summary>
public sealed class TrainingProgressObserver : IRunObserver
{
    private readonly bool _live = Terminal.CanDrawProgress;
    private readonly object _gate = new();
    private string _phase = "";
    private int _epochs;
    private DateTime _lastDraw = DateTime.MinValue;

    /// <inheritdoc />
    public string Description => "the progress display";

    /// <inheritdoc />
    public void OnEvent(RunEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case RunStarted s:
                    _phase = s.Phase.ToString().ToLowerInvariant(); _epochs = s.Epochs;
                    Line($"{_phase}: {s.ModelKind}, {s.TrainImages:N0} training images, {s.Epochs} epochs × {s.BatchesPerEpoch} batches of {s.BatchSize} on {s.Device}" +
                         (s.ResumedFrom is null ? "" : $" (resumed from epoch {s.StartEpoch})"));
                    break;
                case BatchCompleted b when _live:
                    if ((DateTime.UtcNow - _lastDraw).TotalMilliseconds < 100 && b.Batch != b.BatchesInEpoch) break;
                    _lastDraw = DateTime.UtcNow;
                    int width = 24, filled = (int)Math.Round(width * (double)b.Batch / Math.Max(1, b.BatchesInEpoch));
                    var bar = new string('█', filled) + new string('░', width - filled);
                    Console.Error.Write($"\r{_phase} epoch {b.Epoch}/{_epochs} {bar} {b.Batch}/{b.BatchesInEpoch} loss {b.Loss:F4}" +
                                        $"{Rate(b.ImagesPerSecond)}{Eta(b.EtaSeconds)}   ");
                    break;
                case EpochCompleted ep:
                    if (_live) Console.Error.Write("\r" + new string(' ', 110) + "\r");
                    var val = ep.ValLoss is { } v ? $" val {v:F4}" : "";
                    var acc = ep.Accuracy is { } a ? $" acc {a:F3}" : "";
                    var mon = ep.MonitorValue is { } m ? $" {ep.MonitorMetric} {m:F4}{(ep.IsBest ? " *" : "")}" : "";
                    Line($"{_phase} epoch {ep.Epoch}/{ep.Epochs}: loss {ep.TrainLoss:F4}{val}{acc}{mon}{Rate(ep.ImagesPerSecond)} ({ep.ElapsedSeconds:F1} s){Eta(ep.EtaSeconds)}");
                    break;
                case RunStatusChanged st when st.Status is RunStatus.Paused or RunStatus.Stopping or RunStatus.Interrupted or RunStatus.Failed:
                    if (_live) Console.Error.Write("\r" + new string(' ', 110) + "\r");
                    Line($"{_phase}: {st.Status.ToString().ToLowerInvariant()}{(st.Message is null ? "" : ": " + st.Message)}");
                    break;
            }
        }
    }

    private static string Rate(double? imagesPerSecond) => imagesPerSecond is { } r ? $", {r:N0} img/s" : "";

    private static string Eta(double? seconds) =>
        seconds is { } s && double.IsFinite(s) ? ", ETA " + TimeSpan.FromSeconds(Math.Round(s)).ToString(s >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture) : "";

    private static void Line(string text) => Console.Error.WriteLine(text);
}
