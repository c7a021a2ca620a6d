namespace Vigil.Serving.Batching;

/// <summary>
/// One long-lived thread that runs a batcher's batches, one at a time. libtorch's CPU kernels run on an OpenMP team
/// that belongs to the thread calling them: batches run on whichever thread-pool thread an await resumed on each built
/// and woke a team of their own, and a single image took about twice as long as on one steady thread (measured with
/// the in-process detector: 22 ms on pool threads against 12 ms on one thread).
/// </summary>
internal sealed class ComputeThread : IDisposable
{
    private readonly System.Collections.Concurrent.BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    /// <summary>Starts the thread (a background thread: it never keeps the process alive).</summary>
    public ComputeThread(string name)
    {
        _thread = new Thread(() =>
        {
            foreach (Action action in _work.GetConsumingEnumerable()) action();
        }) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="action"/> on the thread; completes when it has run (faulted if it threw).</summary>
    public Task RunAsync(Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                action();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        });
        return done.Task;
    }

    /// <summary>Lets the thread finish what it was given, then end.</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        if (Thread.CurrentThread != _thread) _thread.Join();
        _work.Dispose();
    }
}
