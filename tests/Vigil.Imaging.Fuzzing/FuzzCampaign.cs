using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Vigil.Imaging.Fuzzing;

/// <summary>How a reader answered one mutated file.</summary>
public enum Outcome
{
    /// <summary>It decoded (the mutation hit bytes that do not matter, or produced another valid file).</summary>
    Decoded,
    /// <summary>It threw <see cref="ImageFormatException"/> with a message in user terms: the wanted failure.</summary>
    Rejected,
    /// <summary>
    /// It threw <see cref="ImageFormatException"/>, but around a programming error of Vigil's own code (an index out of
    /// range, a null reference, an overflow) or with a .NET type name in the message: a bug behind a catch-all.
    /// </summary>
    Masked,
    /// <summary>It threw anything else: the caller would not know the file was the problem.</summary>
    Unexpected,
    /// <summary>It did not answer within the per-case cap.</summary>
    Hang,
    /// <summary>
    /// It allocated far more than the images it returned (more than <see cref="FuzzCampaign.AllocationSlack"/> beyond
    /// four times their size): memory sized by a header field that the file's content did not back.
    /// </summary>
    Hungry,
}

/// <summary>One mutated file and what the reader did with it.</summary>
/// <param name="Format">The seed's format.</param>
/// <param name="Seed">The seed's name.</param>
/// <param name="CaseSeed">The number that reproduces the mutation (<see cref="FuzzSeed.Mutate"/>).</param>
/// <param name="Mutation">The mutation's steps.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Milliseconds">Wall time of the read.</param>
/// <param name="AllocatedBytes">Managed bytes allocated while reading (process-wide, so approximate when other threads run).</param>
/// <param name="Error">The exception, when one was thrown.</param>
public sealed record FuzzCase(string Format, string Seed, int CaseSeed, string Mutation, Outcome Outcome, double Milliseconds, long AllocatedBytes, Exception? Error)
{
    /// <summary>One line for a failure report: where, how to reproduce, what was thrown.</summary>
    public override string ToString() =>
        $"{Format} {Seed} case {CaseSeed} [{Mutation}]: {Outcome}" + (Error is null ? "" : $": {Error.GetType().Name}: {Error.Message}"
            + (Error.InnerException is { } inner ? $" (inner {inner.GetType().Name}: {inner.Message} at {inner.TargetSite?.DeclaringType?.FullName}.{inner.TargetSite?.Name})" : ""));
}

/// <summary>What one format's campaign found.</summary>
/// <param name="Format">The format.</param>
/// <param name="Cases">Every case, in order.</param>
public sealed record FormatReport(string Format, IReadOnlyList<FuzzCase> Cases)
{
    /// <summary>Cases with this outcome.</summary>
    public int Count(Outcome outcome) => Cases.Count(c => c.Outcome == outcome);

    /// <summary>The cases that are bugs: masked, unexpected, hung or hungry.</summary>
    public IEnumerable<FuzzCase> Failures => Cases.Where(c => c.Outcome is not (Outcome.Decoded or Outcome.Rejected));

    /// <summary>The slowest read.</summary>
    public FuzzCase Slowest => Cases.MaxBy(c => c.Milliseconds)!;

    /// <summary>The read that allocated most.</summary>
    public FuzzCase Hungriest => Cases.MaxBy(c => c.AllocatedBytes)!;

    /// <summary>"PNG: 200 tried, 12 decoded, 188 rejected, 0 masked, 0 unexpected, 0 hangs, 0 hungry".</summary>
    public override string ToString() =>
        $"{Format}: {Cases.Count} tried, {Count(Outcome.Decoded)} decoded, {Count(Outcome.Rejected)} rejected, {Count(Outcome.Masked)} masked, "
        + $"{Count(Outcome.Unexpected)} unexpected, {Count(Outcome.Hang)} hangs, {Count(Outcome.Hungry)} hungry";
}

/// <summary>
/// Writes mutations of the seeds to disk and reads each through <see cref="ImageReaderRegistry.Read"/>, the entry point
/// organize uses, consuming every image. A read that outlives the cap is reported as a hang and abandoned (its
/// thread cannot be stopped from outside); a failing file is kept in <c>failures/</c> under the work folder.
/// </summary>
public sealed partial class FuzzCampaign(ImageReaderRegistry registry, string workFolder, TimeSpan perCaseCap)
{
    /// <summary>Managed allocation a read may make beyond four times the pixels it returns (buffers, tables, inflaters).</summary>
    public const long AllocationSlack = 64L << 20;

    /// <summary>Runs <paramref name="cases"/> mutations spread round-robin over the seeds of one format.</summary>
    /// <param name="format">The format.</param>
    /// <param name="seeds">Its seeds.</param>
    /// <param name="cases">How many mutations.</param>
    /// <param name="baseSeed">Makes the run reproducible; case <c>i</c> uses case seed <c>baseSeed * 100003 + i</c>.</param>
    /// <param name="progress">Called after each case (the bench prints failures as they happen).</param>
    public FormatReport Run(string format, IReadOnlyList<FuzzSeed> seeds, int cases, int baseSeed, Action<FuzzCase>? progress = null)
    {
        if (seeds.Count == 0) throw new ArgumentException($"no seeds for {format}", nameof(seeds));
        var folder = Path.Combine(workFolder, format);
        Directory.CreateDirectory(folder);
        var results = new List<FuzzCase>(cases);
        for (int i = 0; i < cases; i++)
        {
            var seed = seeds[i % seeds.Count];
            int caseSeed = unchecked(baseSeed * 100003 + i);
            var result = ReadOne(seed, caseSeed, folder);
            results.Add(result);
            progress?.Invoke(result);
        }
        return new FormatReport(format, results);
    }

    /// <summary>Writes one mutation of <paramref name="seed"/> and reads it.</summary>
    public FuzzCase ReadOne(FuzzSeed seed, int caseSeed, string folder)
    {
        var mutation = seed.Mutate(caseSeed);
        foreach (var (name, bytes) in seed.Companions ?? new Dictionary<string, byte[]>()) File.WriteAllBytes(Path.Combine(folder, name), bytes);
        var path = Path.Combine(folder, seed.FileName);
        File.WriteAllBytes(path, mutation.Bytes);
        var (outcome, ms, allocated, error) = Judge(path);
        if (outcome is not (Outcome.Decoded or Outcome.Rejected))
        {
            var kept = Path.Combine(workFolder, "failures", $"{seed.Format}-{caseSeed}-{seed.FileName}");
            Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
            File.Copy(path, kept, overwrite: true);
        }
        foreach (var name in (seed.Companions?.Keys ?? []).Append(seed.FileName)) File.Delete(Path.Combine(folder, name));
        return new FuzzCase(seed.Format, seed.Name, caseSeed, mutation.Description, outcome, ms, allocated, error);
    }

    /// <summary>Reads every image of <paramref name="path"/> and classifies what happened.</summary>
    public (Outcome Outcome, double Milliseconds, long AllocatedBytes, Exception? Error) Judge(string path)
    {
        using var cancel = new CancellationTokenSource(perCaseCap);
        var clock = Stopwatch.StartNew();
        long returned = 0, allocated = 0;
        var read = Task.Run(() =>
        {
            // Counted on the reading thread (the readers are synchronous): a process-wide count would also take in
            // whatever tests running beside this one allocate meanwhile.
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                foreach (var image in registry.Read(path, ImageReadOptions.Default, cancel.Token)) returned += image.Frame.Data.Length;
                return (Exception?)null;
            }
            catch (Exception e) { return e; }
            finally { Interlocked.Exchange(ref allocated, GC.GetAllocatedBytesForCurrentThread() - before); }
        });
        // The token asks a cooperative reader to stop at the cap; a reader that ignores it gets a little longer, then counts as hung.
        bool finished = read.Wait(perCaseCap + TimeSpan.FromSeconds(1));
        clock.Stop();
        double ms = clock.Elapsed.TotalMilliseconds;
        if (!finished) return (Outcome.Hang, ms, allocated, null);
        if (allocated > 4 * returned + AllocationSlack) return (Outcome.Hungry, ms, allocated, read.Result);
        if (read.Result is not { } e) return (Outcome.Decoded, ms, allocated, null);
        if (e is OperationCanceledException && cancel.IsCancellationRequested) return (Outcome.Hang, ms, allocated, e);
        if (e is not ImageFormatException) return (Outcome.Unexpected, ms, allocated, e);
        return (IsMasked(e) ? Outcome.Masked : Outcome.Rejected, ms, allocated, e);
    }

    /// <summary>
    /// True when a rejection hides a programming error in Vigil's own code, or names a .NET type to the user.
    /// Third-party decoders (LibTiff.NET, SkiaSharp) may fail in their own ways; wrapping those is the right answer.
    /// </summary>
    public static bool IsMasked(Exception rejection)
    {
        if (TypeName().IsMatch(rejection.Message)) return true;
        for (var inner = rejection.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is IndexOutOfRangeException or NullReferenceException or ArgumentException or OverflowException
                    or InvalidCastException or DivideByZeroException or OutOfMemoryException or InvalidOperationException
                && ThrownByVigil(inner))
                return true;
        return false;
    }

    // The first frame outside the runtime's own code says whose mistake it was: a span slice that throws from
    // System.ThrowHelper was still asked for by the Vigil method below it.
    private static bool ThrownByVigil(Exception e) =>
        new StackTrace(e).GetFrames().Select(f => f.GetMethod()?.DeclaringType?.Namespace ?? "")
            .FirstOrDefault(ns => !ns.StartsWith("System", StringComparison.Ordinal) && !ns.StartsWith("Microsoft", StringComparison.Ordinal))
            ?.StartsWith("Vigil", StringComparison.Ordinal) == true;

    [GeneratedRegex(@"\b(System\.\w+|\w+Exception)\b")]
    private static partial Regex TypeName();
}
