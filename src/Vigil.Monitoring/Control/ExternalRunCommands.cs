using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Control;

/// <summary>
/// Pause/resume/stop for trainers in other processes (a Python loop with <c>vigil_monitor</c>, <c>vigil train --monitor
/// URL</c>). A run that declared it accepts control (<c>POST /api/runs</c> with <c>"accepts_control": true</c>, or a
/// trainer polling for commands) has at most one pending command: a newer request replaces an unacknowledged one. The
/// trainer receives it in each <c>/log</c> answer or through the long poll (<see cref="WaitAsync"/>), acts on it at its
/// next batch boundary and acknowledges it (<see cref="Acknowledge"/>). Thread-safe; kept in memory (a trainer that polls
/// a restarted server declares itself again).
/// </summary>
public sealed class ExternalRunCommands
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, RunCommand?> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);
    private long _lastId;

    /// <summary>Creates an empty board.</summary>
    public ExternalRunCommands(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        // Ids go on increasing across server restarts (a trainer asks for commands newer than the last it saw).
        _lastId = _time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>Records that <paramref name="runId"/>'s trainer acts on commands; true when it had not said so before.</summary>
    public bool Accept(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        lock (_gate) return _pending.TryAdd(runId, null);
    }

    /// <summary>Whether <paramref name="runId"/>'s trainer declared that it acts on commands.</summary>
    public bool Accepts(string? runId)
    {
        if (runId is null) return false;
        lock (_gate) return _pending.ContainsKey(runId);
    }

    /// <summary>The command awaiting acknowledgement, or null.</summary>
    public RunCommand? Pending(string runId)
    {
        lock (_gate) return _pending.GetValueOrDefault(runId);
    }

    /// <summary>Makes <paramref name="action"/> the run's pending command (replacing an unacknowledged one) and wakes its long polls.</summary>
    /// <exception cref="ArgumentException">The action is not pause, resume or stop, or the run does not accept control.</exception>
    public RunCommand Request(string runId, string action)
    {
        if (!RunCommand.Actions.Contains(action)) throw new ArgumentException($"'{action}' is not a command; use {string.Join(", ", RunCommand.Actions)}", nameof(action));
        TaskCompletionSource? wake;
        RunCommand command;
        lock (_gate)
        {
            if (!_pending.ContainsKey(runId)) throw new ArgumentException($"run '{runId}' does not accept control", nameof(runId));
            command = new RunCommand(++_lastId, action, _time.GetUtcNow());
            _pending[runId] = command;
            _signals.Remove(runId, out wake);
        }
        wake?.TrySetResult();
        return command;
    }

    /// <summary>
    /// Waits until the run has a pending command newer than <paramref name="after"/> (answers at once when it has one),
    /// at most <paramref name="wait"/>; returns null when none came.
    /// </summary>
    public async Task<RunCommand?> WaitAsync(string runId, long after, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (_pending.GetValueOrDefault(runId) is { } command && command.Id > after) return command;
                if (!_signals.TryGetValue(runId, out TaskCompletionSource? source))
                    _signals[runId] = source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                signal = source.Task;
            }
            try { await signal.WaitAsync(timeout.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { return null; }
        }
    }

    /// <summary>
    /// The trainer acted on command <paramref name="id"/>: it is no longer pending. Returns it, or null when it is not the
    /// pending one (already acknowledged, or replaced by a newer request).
    /// </summary>
    public RunCommand? Acknowledge(string runId, long id)
    {
        lock (_gate)
        {
            if (_pending.GetValueOrDefault(runId) is not { } command || command.Id != id) return null;
            _pending[runId] = null;
            return command;
        }
    }
}

/// <summary>A command for an external trainer.</summary>
/// <param name="Id">Increases with each request, also across restarts of the server (it starts from the clock); acknowledge with it.</param>
/// <param name="Action"><c>pause</c>, <c>resume</c> or <c>stop</c>.</param>
/// <param name="RequestedAt">When it was requested.</param>
public sealed record RunCommand(long Id, string Action, DateTimeOffset RequestedAt)
{
    /// <summary>The actions a trainer is asked to perform.</summary>
    public static IReadOnlyList<string> Actions { get; } = ["pause", "resume", "stop"];

    /// <summary>The run state once the trainer has acted on it: paused, running or stopping (it reports stopped when it ends).</summary>
    public string StateWhenDone => Action switch
    {
        "pause" => RunStates.Paused,
        "resume" => RunStates.Running,
        _ => RunStates.Stopping,
    };
}
