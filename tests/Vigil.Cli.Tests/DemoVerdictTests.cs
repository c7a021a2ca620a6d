using Vigil.Cli.Infrastructure;

namespace Vigil.Cli.Tests;

public sealed class DemoVerdictTests
{
    [Theory]
    [InlineData("normal", false, "normal", true, "yes")]
    [InlineData("tumor", true, "tumor", true, "yes")]
    [InlineData("normal", true, "normal", false, "WRONG: false alarm")]
    [InlineData("tumor", false, "normal", false, "WRONG: missed anomaly")]
    [InlineData("tumor", true, "hemorrhage", false, "verdict right, class WRONG (is tumor)")]
    [InlineData("normal", false, "opacity", false, "verdict right, class WRONG (is normal)")]
    public void A_row_is_right_only_when_verdict_and_class_match_the_label(string truth, bool flagged, string predicted, bool right, string text)
    {
        var verdict = DemoVerdict.Judge(truth, "normal", flagged, predicted);
        Assert.Equal(right, verdict.Right);
        Assert.Equal(text, verdict.Text);
    }

    [Fact]
    public void An_unread_image_is_wrong_and_without_a_classifier_the_verdict_alone_counts()
    {
        Assert.Equal(new DemoVerdict(false, "WRONG: not read"), DemoVerdict.Judge("normal", "normal", null, null));
        Assert.True(DemoVerdict.Judge("tumor", "normal", true, null).Right);
    }
}
