using System.Globalization;
using System.Runtime.InteropServices;

namespace Vigil.Bench;

/// <summary>
/// CPU time, minor page faults and peak resident memory of a process, read the way <c>time -v</c> and <c>ps</c> read
/// them: from <c>/proc/PID/stat</c> and <c>/proc/PID/status</c> while it runs, and from getrusage(RUSAGE_CHILDREN)
/// once it has been waited for. Kernel time is where page faults show up, so every training figure carries it.
/// </summary>
public readonly record struct ProcessCounters(double UserSeconds, double SystemSeconds, long MinorFaults, long PeakRssBytes)
{
    private static readonly double TicksPerSecond = sysconf(ScClkTck) is > 0 and var t ? t : 100;

    /// <summary>Counters of a running process (<paramref name="pid"/> 0: this one).</summary>
    public static ProcessCounters Read(int pid = 0)
    {
        string dir = pid == 0 ? "/proc/self" : $"/proc/{pid}";
        var stat = File.ReadAllText(Path.Combine(dir, "stat"));
        // Fields after the ")" that ends the command name: state is field 3, minflt 10, utime 14, stime 15.
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long minflt = long.Parse(f[7], CultureInfo.InvariantCulture);
        double utime = long.Parse(f[11], CultureInfo.InvariantCulture) / TicksPerSecond;
        double stime = long.Parse(f[12], CultureInfo.InvariantCulture) / TicksPerSecond;
        long hwm = 0;
        foreach (var line in File.ReadLines(Path.Combine(dir, "status")))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                hwm = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return new ProcessCounters(utime, stime, minflt, hwm);
    }

    /// <summary>Totals of every child process this process has waited for (add them up with <see cref="op_Subtraction"/>).</summary>
    public static ProcessCounters Children()
    {
        if (getrusage(RusageChildren, out var u) != 0) throw new InvalidOperationException("getrusage failed");
        return new ProcessCounters(u.UserSec + u.UserUsec / 1e6, u.SysSec + u.SysUsec / 1e6, u.MinFlt, u.MaxRssKb * 1024);
    }

    /// <summary>CPU seconds, user and system.</summary>
    public double CpuSeconds => UserSeconds + SystemSeconds;

    /// <summary>Share of CPU time spent in the kernel.</summary>
    public double KernelShare => CpuSeconds > 0 ? SystemSeconds / CpuSeconds : 0;

    /// <summary>What happened between two readings; the peak is the later one's.</summary>
    public static ProcessCounters operator -(ProcessCounters later, ProcessCounters earlier) =>
        new(later.UserSeconds - earlier.UserSeconds, later.SystemSeconds - earlier.SystemSeconds, later.MinorFaults - earlier.MinorFaults, later.PeakRssBytes);

    private const int ScClkTck = 2, RusageChildren = -1;

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSec, UserUsec, SysSec, SysUsec;
        public long MaxRssKb, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NvCsw, NivCsw;
    }

    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern int getrusage(int who, out RUsage usage);

    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern long sysconf(int name);
}
