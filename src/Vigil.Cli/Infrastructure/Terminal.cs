namespace Vigil.Cli.Infrastructure;

/// <summary>What the process is attached to; decides between interactive menus/progress bars and plain lines.</summary>
public static class Terminal
{
    /// <summary>True when both stdin and stdout are a terminal (menus may prompt).</summary>
    public static bool IsInteractive => !Console.IsInputRedirected && !Console.IsOutputRedirected
        && Environment.GetEnvironmentVariable("VIGIL_NONINTERACTIVE") is null or "" or "0";

    /// <summary>True when stderr is a terminal (live progress bars may be drawn there).</summary>
    public static bool CanDrawProgress => !Console.IsErrorRedirected;
}
