using TorchSharp;
using Vigil.ML.Compute;
using Vigil.ML.Data;
using Vigil.ML.Tests.Data;

namespace Vigil.ML.Tests.Compute;

/// <summary>The loader prepares batches on one libtorch thread without touching anybody else's thread count.</summary>
[Collection(TorchCollection.Name)]
public sealed class OpenMpThreadsTests
{
    [Fact]
    public void Batches_are_prepared_single_threaded_and_the_callers_thread_counts_are_left_alone()
    {
        using var tmp = new TempFolder();
        var spec = DatasetSpec.FromFolder(DataFixtures.OrganizedDataset(tmp.Path, normal: 8, tumor: 4, unlabeled: 0));
        using var train = SplitCache.Load(spec.Split("train"), new CacheOptions { ImageSize = 16, Channels = 1, Folder = spec.CacheFolder });
        int before = torch.get_num_threads();
        try
        {
            torch.set_num_threads(2); // this machine may have 2 cores or more; 2 makes "one thread" observable
            Assert.True(OpenMpThreads.Available, "omp_set_num_threads was not found through libtorch");
            using (OpenMpThreads.SingleThreaded()) Assert.Equal(1, torch.get_num_threads());
            Assert.Equal(2, torch.get_num_threads());

            foreach (var prefetch in new[] { 0, 2 })
            {
                var loader = new BatchLoader(train, LoaderOptions.Training(4, 1) with { Prefetch = prefetch });
                foreach (var batch in loader.Epoch(0)) batch.Dispose();
                Assert.Equal(2, torch.get_num_threads());
                // A thread that meets libtorch for the first time now still starts from the process default.
                int fresh = 0;
                var thread = new Thread(() => fresh = torch.get_num_threads());
                thread.Start();
                thread.Join();
                Assert.Equal(2, fresh);
            }
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }
}
