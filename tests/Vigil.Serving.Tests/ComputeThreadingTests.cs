using TorchSharp;
using Vigil.Serving.Batching;
using Vigil.Serving.Repository;

namespace Vigil.Serving.Tests;

/// <summary>
/// The server keeps a single OpenMP team: models load with one libtorch thread, and every model's batches run on one
/// compute thread (ComputeThread says why a second team slows every image).
/// </summary>
[Collection(ServingCollection.Name)]
public class ComputeThreadingTests(ServingFixture fixture)
{
    [Fact]
    public async Task Models_load_with_one_libtorch_thread_and_the_callers_count_is_left_alone()
    {
        int before = torch.get_num_threads();
        var seen = new List<int>();
        try
        {
            torch.set_num_threads(2); // any machine: 2 makes "one thread" observable
            var options = new RepositoryOptions
            {
                Watch = false,
                Load = path =>
                {
                    lock (seen) seen.Add(torch.get_num_threads());
                    return ServedDetector.Load(path, torch.CPU);
                },
            };
            await using var repository = new ModelRepository(fixture.Repository(("a", []), ("b", [1, 2])), options);
            await repository.StartAsync();
            Assert.True(repository.AllReady);
            Assert.Equal([1, 1, 1], seen);
            Assert.Equal(2, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }

    [Fact]
    public async Task Every_batchers_batches_run_on_one_thread()
    {
        var threads = new HashSet<int>();
        IReadOnlyList<int> Run(IReadOnlyList<int> requests, CancellationToken token)
        {
            lock (threads) threads.Add(Environment.CurrentManagedThreadId);
            return requests;
        }
        var options = new BatchingOptions { MaxQueueDelay = TimeSpan.Zero };
        await using var first = new DynamicBatcher<int, int>(Run, options);
        await using var second = new DynamicBatcher<int, int>(Run, options);
        for (int i = 0; i < 4; i++)
            Assert.Equal([i, i + 10], await Task.WhenAll(first.EnqueueAsync(i, 1), second.EnqueueAsync(i + 10, 1)));
        Assert.Single(threads);
        Assert.NotEqual(Environment.CurrentManagedThreadId, threads.Single());
    }
}
