namespace Vigil.Bench;

/// <summary>Measurements that must run on a thread of their own.</summary>
internal static class BenchThreads
{
    /// <summary>
    /// Runs <paramref name="work"/> on a new thread and waits for it to end, rethrowing what it threw. libtorch's OpenMP
    /// team belongs to the calling thread and dies with it, so each measurement has the process's only team, as
    /// <c>vigil serve</c>'s compute thread does; and a thread other than the main one allocates from a secondary glibc
    /// arena, as training started by the demo or <c>vigil serve</c> does.
    /// </summary>
    public static T OnOwnThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("the measurement on its own thread failed", failure);
        return result;
    }
}
