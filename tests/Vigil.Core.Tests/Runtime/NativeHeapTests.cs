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

    private static unsafe long FaultsOverRounds(int size, int rounds)
    {
        void Round()
        {
            byte* block = (byte*)NativeMemory.Alloc((nuint)size);
            for (int i = 0; i < size; i += 4096) block[i] = 1; // touch every page
            NativeMemory.Free(block);
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
