using System.Runtime.InteropServices;

namespace Vigil.ML.Tests.Native;

/// <summary>.NET has no hard-link API; libc's link(2) and stat(1)'s view of st_nlink are enough for tests.</summary>
internal static partial class HardLink
{
    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LinkNative(string existing, string newPath);

    public static int Create(string existing, string newPath) => LinkNative(existing, newPath);

    /// <summary>The number of names the file has, via GNU stat (coreutils), to stay off struct stat's layout.</summary>
    public static int Count(string path)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%h", path])
        {
            RedirectStandardOutput = true,
        })!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
