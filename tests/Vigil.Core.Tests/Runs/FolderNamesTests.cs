using Vigil.Core.Runs;

namespace Vigil.Core.Tests.Runs;

public sealed class FolderNamesTests
{
    [Theory]
    [InlineData("datasets/x", "x")]
    [InlineData("datasets/x/", "x")]
    [InlineData("datasets/x//", "x")]
    [InlineData("./datasets/x/.", "x")]
    [InlineData("datasets/x/../y/", "y")]
    [InlineData("/data/retina/", "retina")]
    public void AFolderIsNamedByItsLastSegmentWhateverItsSpelling(string folder, string name) => Assert.Equal(name, FolderNames.Of(folder));

    [Fact]
    public void TheRootIsNamedByItselfNotByNothing() => Assert.Equal("/", FolderNames.Of("/"));
}
