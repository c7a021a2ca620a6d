namespace Vigil.Cli;

/// <summary>Entry point of the <c>vigil</c> command line.</summary>
public static class VigilApp
{
    /// <summary>Runs the CLI and returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        Console.WriteLine($"vigil {Vigil.Core.VigilInfo.Version}");
        return 0;
    }
}
