namespace Vigil.Cli.Infrastructure;

/// <summary>Process exit codes of every verb (documented in docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>The work ran but failed, or a check did not pass (e.g. <c>vigil doctor</c> found a broken part).</summary>
    public const int Failure = 1;
    /// <summary>Bad input: unknown option, invalid value, missing or empty source. Nothing was written.</summary>
    public const int BadInput = 2;
    /// <summary>Interrupted by Ctrl+C; partial output was discarded.</summary>
    public const int Interrupted = 130;
}
