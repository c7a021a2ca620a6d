namespace Vigil.Serving.Batching;

/// <summary>
/// One long-lived thread that runs batches, one at a time: the only thread of the server that runs models. libtorch's
/// CPU kernels run on an OpenMP team that belongs to the calling thread and lives as long as it does. Batches run on
/// thread-pool threads each built a team; and as soon as a process has two teams (more OpenMP threads than cores),
/// libgomp stops spinning between parallel regions, and a model's hundreds of small ops each wait for sleeping workers
/// to wake. Measured with the demo model on 2 cores, one image: 11.5 ms on the only thread with a team, 21.5 ms with
/// one other idle team alive. Hence one thread for every model of the process (<see cref="Shared"/>), and models load
/// single-threaded (<see cref="ML.Compute.OpenMpThreads"/>).
/// </summary>
internal sealed class ComputeThread : IDisposable
{
    private static readonly Lazy<ComputeThread> SharedThread = new(() => new ComputeThread("vigil-compute"));

    /// <summary>The process's compute thread, shared by every batcher; it is never disposed (a background thread).</summary>
    public static ComputeThread Shared => SharedThread.Value;

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
