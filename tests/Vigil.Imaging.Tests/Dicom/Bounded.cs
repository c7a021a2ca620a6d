namespace Vigil.Imaging.Tests.Dicom;

/// <summary>Runs work on the thread pool and fails the test when it does not finish in time (a hang is a bug too).</summary>
public static class Bounded
{
    /// <summary>The work's result, or the exception it threw (returned, not thrown, so tests can classify it).</summary>
    public static async Task<object?> OutcomeAsync(Func<object?> work, TimeSpan limit, string what)
    {
        var task = Task.Run(() =>
        {
            try { return work(); }
            catch (Exception e) { return e; }
        });
        var finished = await Task.WhenAny(task, Task.Delay(limit));
        Assert.True(ReferenceEquals(finished, task), $"{what}: no result within {limit.TotalSeconds:0} s");
        return await task;
    }
}
