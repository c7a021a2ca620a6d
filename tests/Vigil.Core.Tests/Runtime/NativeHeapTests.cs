using System.Runtime.InteropServices;
using Vigil.Core.Runtime;

namespace Vigil.Core.Tests.Runtime;

// Alone: other tests' threads fault pages too, and they count in the same process-wide figure.
[CollectionDefinition(nameof(NativeHeapTests), DisableParallelization = true)]
public sealed class NativeHeapCollection;

[Collection(nameof(NativeHeapTests))]
public sealed class NativeHeapTests
{
    [Fact]
    public void Tune_raises_the_thresholds_on_glibc_unless_the_environment_sets_them()
    {
        var state = NativeHeap.Tune();
        bool environmentSets = NativeHeap.GlibcVariables.Any(k => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(k)))
            || Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.", StringComparison.Ordinal) == true;
        bool off = Environment.GetEnvironmentVariable(NativeHeap.SwitchVariable) == "default";
        Assert.Equal(off ? NativeHeapState.TurnedOff : environmentSets ? NativeHeapState.SetByEnvironment : NativeHeapState.Tuned, state);
        Assert.Equal(state, NativeHeap.Tune()); // once per process
        Assert.DoesNotContain("NativeHeapState", NativeHeap.Describe(state), StringComparison.Ordinal);
    }

    [Fact]
    public void A_large_block_freed_and_allocated_again_is_not_faulted_in_again()
    {
        Assert.Equal(NativeHeapState.Tuned, NativeHeap.Tune());
        // 33 MiB: above glibc's largest default mmap threshold (32 MiB), so without the tuning every round maps it
        // afresh; small enough to fit the heap of a secondary glibc arena (at most 64 MiB), where a block that needs
        // a heap of its own is unmapped on free whatever the thresholds (CI saw that with 48 MiB: every round faulted).
        const int size = 33 << 20;
        long faults = -1;
        // A thread of its own, counting its own faults only: other tests' threads fault too.
        var thread = new Thread(() => faults = FaultsOverRounds(size, 4));
        thread.Start();
        thread.Join();
        // 4 rounds × 8,448 pages fault ~33,800 times with glibc's defaults; reused heap memory faults not at all. The
        // bound leaves room for one round mapped afresh.
        Assert.True(faults < 25_000, $"{faults:N0} minor page faults over 4 rounds of a 33 MiB block");
    }

    [Fact]
    public void A_heap_of_a_thread_arena_freed_whole_is_kept_for_the_next_round()
    {
        Assert.Equal(NativeHeapState.Tuned, NativeHeap.Tune());
        // Two 40 MiB blocks cannot share one heap of a secondary arena (64 MiB at most): the second gets a heap of its
        // own, which glibc unmaps as soon as it is wholly free unless the top pad covers a heap. A training step on
        // any thread but the main one frees its buffers that way at every step.
        const int size = 40 << 20;
        long faults = -1;
        var thread = new Thread(() => faults = FaultsOverRounds(size, 4, blocks: 2));
        thread.Start();
        thread.Join();
        // Each round would fault ~10,240 pages in again (the second block's heap): ~41,000 in all. Kept heaps settle
        // after a round or two (the blocks move between the heaps the arena keeps).
        Assert.True(faults < 25_000, $"{faults:N0} minor page faults over 4 rounds of two 40 MiB blocks");
    }

    private static unsafe long FaultsOverRounds(int size, int rounds, int blocks = 1)
    {
        void Round()
        {
            var all = new byte*[blocks];
            for (int b = 0; b < blocks; b++)
            {
                all[b] = (byte*)NativeMemory.Alloc((nuint)size);
                for (int i = 0; i < size; i += 4096) all[b][i] = 1; // touch every page
            }
            for (int b = blocks - 1; b >= 0; b--) NativeMemory.Free(all[b]);
        }
        Round(); // the first round faults the pages in
        long before = MinorFaults("/proc/thread-self/stat");
        for (int i = 0; i < rounds; i++) Round();
        return MinorFaults("/proc/thread-self/stat") - before;
    }

    // Field 10 of a /proc stat file: minor faults (of the calling thread for /proc/thread-self/stat).
    private static long MinorFaults(string path)
    {
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
    }
}
