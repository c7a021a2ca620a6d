namespace Vigil.Imaging.Tests.Support;

/// <summary>
/// Real files from Debian packages that ./test.sh installs (or unpacks). A missing corpus fails the test:
/// it is never a reason to skip.
/// </summary>
public static class TestCorpora
{
    /// <summary>scikit-image's sample images, unpacked by test.sh into .build/testdata/skimage.</summary>
    public static string Skimage => Require(Path.Combine(TestData, "skimage"), "run ./test.sh once to unpack Debian's python3-skimage sample data");

    /// <summary>pydicom's DICOM test files (Debian python3-pydicom).</summary>
    public static string Pydicom => Require("/usr/lib/python3/dist-packages/pydicom/data/test_files", "apt-get install python3-pydicom");

    /// <summary>Folder holding unpacked corpora: $VIGIL_TESTDATA or the repository's .build/testdata.</summary>
    public static string TestData => Environment.GetEnvironmentVariable("VIGIL_TESTDATA") is { Length: > 0 } env
        ? env
        : Path.Combine(RepositoryRoot, ".build", "testdata");

    /// <summary>The repository root (the folder holding Vigil.slnx).</summary>
    public static string RepositoryRoot { get; } =
        typeof(TestCorpora).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "VigilRepositoryRoot").Value!.TrimEnd('/');

    /// <summary>Path of a file inside a corpus folder; fails with the fix when absent.</summary>
    public static string File(string folder, string name) => Require(Path.Combine(folder, name), "corpus file missing");

    private static string Require(string path, string fix) =>
        System.IO.File.Exists(path) || Directory.Exists(path) ? path : throw new InvalidOperationException($"test corpus not found: {path} ({fix})");
}
