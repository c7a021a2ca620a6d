using System.Text.Json;
using Vigil.Core.Runs;

namespace Vigil.Core.Tests.Runs;

public sealed class RunEventJsonTests
{
    [Fact]
    public void EveryEventKindRoundTripsWithItsTypeFirstOnOneLine()
    {
        long sequence = 0;
        foreach (RunEvent original in SampleEvents.All())
        {
            RunEvent stamped = original with { RunId = "run-1", Timestamp = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), Sequence = ++sequence };
            string line = RunEventJson.Serialize(stamped);

            Assert.DoesNotContain('\n', line);
            Assert.StartsWith($"{{\"type\":\"{stamped.Type}\",\"run_id\":\"run-1\",\"timestamp\":\"2025-01-02T03:04:05+00:00\",\"sequence\":{sequence},", line, StringComparison.Ordinal);
            RunEvent back = RunEventJson.Deserialize(line);
            Assert.IsType(stamped.GetType(), back);
            Assert.Equal(line, RunEventJson.Serialize(back));
            Assert.Equal(stamped.Sequence, back.Sequence);
            Assert.Equal(stamped.Timestamp, back.Timestamp);
        }
    }

    [Fact]
    public void FieldNamesAreSnakeCaseAsTheMonitorExpects()
    {
        RunEvent e = SampleEvents.Epoch() with { RunId = "r", Sequence = 7 };
        using JsonDocument doc = JsonDocument.Parse(RunEventJson.Serialize(e));
        JsonElement root = doc.RootElement;

        Assert.Equal("epoch_completed", root.GetProperty("type").GetString());
        Assert.Equal("r", root.GetProperty("run_id").GetString());
        Assert.Equal(7, root.GetProperty("sequence").GetInt64());
        Assert.Equal(0.95, root.GetProperty("auroc_macro").GetDouble());
        Assert.Equal(0.85, root.GetProperty("f1_macro").GetDouble());
        Assert.True(root.GetProperty("is_best").GetBoolean());
        JsonElement rao = root.GetProperty("per_class")[1];
        Assert.Equal("rao", rao.GetProperty("class").GetString());
        Assert.Equal(0.5, rao.GetProperty("sensitivity").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("per_class")[2].GetProperty("sensitivity").ValueKind);
        Assert.Equal(10, root.GetProperty("confusion_matrix")[1][0].GetInt64());
        Assert.False(root.TryGetProperty("Type", out _));
    }

    [Fact]
    public void StatusEnumsAndHyperparametersAreReadableJson()
    {
        string started = RunEventJson.Serialize(SampleEvents.Started());
        string paused = RunEventJson.Serialize(new RunStatusChanged { Status = RunStatus.Interrupted, Previous = RunStatus.Stopping });

        Assert.Contains("\"phase\":\"supervised\"", started, StringComparison.Ordinal);
        Assert.Contains("\"hyperparameters\":{\"learning_rate\":0.001,\"optimizer\":\"adamw\",\"label_smoothing\":0.1}", started, StringComparison.Ordinal);
        Assert.Contains("\"sensitivity_targets\":{\"rao\":0.99,\"rvo\":0.97}", started, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"interrupted\",\"previous\":\"stopping\"", paused, StringComparison.Ordinal);
    }

    [Fact]
    public void DivergingLossIsWrittenNotDropped()
    {
        string line = RunEventJson.Serialize(SampleEvents.Batch(loss: double.NaN) with { LossParts = new Dictionary<string, double> { ["kl"] = double.PositiveInfinity } });

        Assert.Contains("\"loss\":\"NaN\"", line, StringComparison.Ordinal);
        var back = Assert.IsType<BatchCompleted>(RunEventJson.Deserialize(line));
        Assert.True(double.IsNaN(back.Loss));
        Assert.Equal(double.PositiveInfinity, back.LossParts["kl"]);
    }

    [Fact]
    public void TypeMayComeAnywhereWhenAnotherWriterProducedTheLine()
    {
        RunEvent e = RunEventJson.Deserialize("""{"run_id":"x","sequence":3,"type":"checkpoint_saved","path":"/a.ckpt","epoch":4}""");

        var saved = Assert.IsType<CheckpointSaved>(e);
        Assert.Equal(4, saved.Epoch);
        Assert.Equal("/a.ckpt", saved.Path);
        Assert.Equal(3, saved.Sequence);
    }

    [Theory]
    [InlineData("""{"type":"gpu_sample","x":1}""")]
    [InlineData("""{"epoch":1}""")]
    [InlineData("""{"type":"checkpoint_saved","epoch":1}""")] // required path missing
    [InlineData("""{"type":"batch_compl""")]
    public void UnreadableEventsFailAsJsonErrors(string json)
    {
        Assert.ThrowsAny<JsonException>(() => RunEventJson.Deserialize(json));
    }

    [Fact]
    public void PeekTypeNamesTheKindWithoutKnowingIt()
    {
        Assert.Equal("gpu_sample", RunEventJson.PeekType("""{"type":"gpu_sample"}"""));
        Assert.Null(RunEventJson.PeekType("""{"type":"x"""));
        Assert.Null(RunEventJson.PeekType("[1]"));
        Assert.Equal(6, RunEventJson.KnownTypes.Count);
    }
}
