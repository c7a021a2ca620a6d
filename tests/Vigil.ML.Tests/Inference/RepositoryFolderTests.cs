using Vigil.Core;
using Vigil.ML.Inference.Routing;

namespace Vigil.ML.Tests.Inference;

public sealed class RepositoryFolderTests
{
    [Fact]
    public void Imported_models_are_copied_in_with_their_hash_and_the_manifest_round_trips()
    {
        using var dir = new TempFolder();
        string source = System.IO.Path.Combine(dir.Path, "elsewhere.vigil");
        File.WriteAllBytes(source, [1, 2, 3]);
        string repo = System.IO.Path.Combine(dir.Path, "repo");

        var router = RepositoryFolder.Import(repo, source, "router/model.vigil", null);
        var brain = RepositoryFolder.Import(repo, source, RepositoryFolder.RoutePackagePath("brain/MRI"), 0.4);
        var fallback = RepositoryFolder.Import(repo, source, "fallback/model.vigil", null);
        Assert.Equal("routes/brain-MRI/model.vigil", brain.Model);
        Assert.Equal("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", brain.Sha256); // SHA-256 of 01 02 03
        Assert.Equal([1, 2, 3], File.ReadAllBytes(System.IO.Path.Combine(repo, "routes", "brain-MRI", "model.vigil")));

        var written = RepositoryFolder.Write(repo, new RepositoryManifest
        {
            Router = router, Fallback = fallback,
            Routes = new Dictionary<string, RepositoryEntry> { ["brain/MRI"] = brain },
        }, new FixedClock());
        Assert.Equal("2026-03-04T05:06:07Z", written.Updated);
        var read = RepositoryFolder.Read(repo);
        Assert.Equal(router, read.Router);
        Assert.Equal(brain, read.Routes["brain/MRI"]);
        Assert.Equal(brain, read.ModelFor("brain/MRI"));
        Assert.Equal(fallback, read.ModelFor("chest/X-ray")); // no model of its own: the fallback
        Assert.Null((read with { Fallback = null }).ModelFor("chest/X-ray"));
        Assert.Contains("\"format_version\": 1", File.ReadAllText(RepositoryFolder.ManifestPath(repo)));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../outside/model.vigil")]
    [InlineData("routes/../../model.vigil")]
    [InlineData("routes\\\\x.vigil")]
    [InlineData("")]
    public void A_manifest_naming_a_file_outside_the_repository_is_refused(string model)
    {
        using var dir = new TempFolder();
        File.WriteAllText(System.IO.Path.Combine(dir.Path, "repository.json"),
            $"{{\"format_version\": 1, \"routes\": {{\"brain/MRI\": {{\"model\": {System.Text.Json.JsonSerializer.Serialize(model)}, \"sha256\": \"{new string('a', 64)}\"}}}}}}");
        var e = Assert.Throws<UserInputException>(() => RepositoryFolder.Read(dir.Path));
        Assert.Contains("route \"brain/MRI\"", e.Message);
        Assert.Contains(model == "" ? "has no \"model\" path" : "is not a path inside the repository", e.Message);
    }

    [Fact]
    public void Broken_or_newer_manifests_are_refused_in_the_users_terms()
    {
        using var dir = new TempFolder();
        string path = RepositoryFolder.ManifestPath(dir.Path);
        var missing = Assert.Throws<UserInputException>(() => RepositoryFolder.Read(dir.Path));
        Assert.Contains("is not a model repository (it has no repository.json); create one with 'vigil repository init", missing.Message);

        File.WriteAllText(path, "{\"routes\": {\"brain/MRI\": 3}}");
        var wrongType = Assert.Throws<UserInputException>(() => RepositoryFolder.Read(dir.Path));
        Assert.Contains("the value at $.routes", wrongType.Message);
        Assert.DoesNotContain("Vigil.", wrongType.Message);
        Assert.DoesNotContain("System.", wrongType.Message);

        File.WriteAllText(path, "{\"routes\": {\n  \"brain/MRI\": {\"model\": \"routes/b/model.vigil\", \"sha256\": \"abc\", \"threshold\": 1.5}\n}}");
        var bad = Assert.Throws<UserInputException>(() => RepositoryFolder.Read(dir.Path));
        Assert.Contains("\"sha256\" must be 64 hex digits", bad.Message);
        Assert.Contains("\"threshold\" must be in [0, 1], not 1.5", bad.Message);

        File.WriteAllText(path, "{\"format_version\": 7}");
        Assert.Contains("is of format 7, newer than this Vigil reads (1)", Assert.Throws<UserInputException>(() => RepositoryFolder.Read(dir.Path)).Message);

        File.WriteAllText(path, "{\"routes\": ");
        Assert.Contains("is not a valid repository manifest (line 1)", Assert.Throws<UserInputException>(() => RepositoryFolder.Read(dir.Path)).Message);
    }

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    }
}
