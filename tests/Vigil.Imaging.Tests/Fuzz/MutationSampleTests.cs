using Vigil.Imaging.Fuzzing;
using Xunit.Abstractions;

namespace Vigil.Imaging.Tests.Fuzz;

/// <summary>
/// A bounded, deterministic sample of the image-fuzz benchmark (./bench/run.sh image-fuzz runs 1,500 per format):
/// 200 mutations per format of the seeds that decode in process, read through the registry as organize reads them.
/// Every case must decode or be rejected with a clear <see cref="ImageFormatException"/>; none may throw anything
/// else, hide a programming error behind the rejection, hang, or allocate far beyond what it returns.
/// </summary>
public sealed class MutationSampleTests(MutatedSeeds seeds, ITestOutputHelper output) : IClassFixture<MutatedSeeds>
{
    private const int CasesPerFormat = 200;
    private const int BaseSeed = 7;

    /// <summary>Every format the default registry reads.</summary>
    public static TheoryData<string> Formats => new(FuzzSeeds.Formats);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Mutated_files_decode_or_are_rejected_cleanly(string format)
    {
        var light = seeds.All.Where(s => s.Format == format && s.Light).ToList();
        Assert.NotEmpty(light);
        var report = seeds.Campaign().Run(format, light, CasesPerFormat, BaseSeed);
        output.WriteLine(report.ToString());
        var failures = report.Failures.ToList();
        Assert.True(failures.Count == 0, $"{report}\n" + string.Join("\n", failures));
        Assert.Equal(CasesPerFormat, report.Cases.Count);
        // The sample must reach the readers' checks, not only bytes that do not matter.
        Assert.True(report.Count(Outcome.Rejected) > 0, $"{report}: no mutation was rejected");
    }

    [Fact]
    public void A_case_seed_reproduces_its_mutation()
    {
        var seed = seeds.Named("skimage/chessboard_GRAY.png");
        var first = seed.Mutate(12345);
        var again = seed.Mutate(12345);
        Assert.Equal(first.Bytes, again.Bytes);
        Assert.Equal(first.Description, again.Description);
        Assert.NotEqual(first.Bytes, seed.Mutate(12346).Bytes);
    }

    [Fact]
    public void Every_seed_decodes_so_mutations_start_from_valid_files()
    {
        var campaign = seeds.Campaign();
        foreach (var seed in seeds.All.Where(s => s.Light))
        {
            var path = Path.Combine(seeds.Dir.Path, "valid-" + seed.FileName);
            foreach (var (name, bytes) in seed.Companions ?? new Dictionary<string, byte[]>()) File.WriteAllBytes(Path.Combine(seeds.Dir.Path, name), bytes);
            File.WriteAllBytes(path, seed.OnDisk);
            var (outcome, _, _, error) = campaign.Judge(path);
            Assert.True(outcome == Outcome.Decoded, $"{seed.Name}: {outcome} {error?.Message}");
            File.Delete(path);
        }
    }
}
