using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Live;

namespace Vigil.Monitoring.Tests;

public sealed class CriticalConditionMonitorTests
{
    [Theory]
    [InlineData(0.99, 0.99, ConditionStatus.Ok)]
    [InlineData(1.0, 0.99, ConditionStatus.Ok)]
    [InlineData(0.98, 0.99, ConditionStatus.Warning)]
    [InlineData(0.97, 0.99, ConditionStatus.Warning)]
    [InlineData(0.969, 0.99, ConditionStatus.Critical)]
    public void ClassifiesAgainstThresholdAndMargin(double sensitivity, double threshold, string expected)
    {
        Assert.Equal(expected, CriticalConditionMonitor.Classify(sensitivity, threshold, 0.02));
    }

    [Fact]
    public void OnlyAWorseningStatusIsReported()
    {
        var monitor = new CriticalConditionMonitor(new Dictionary<string, double> { ["RAO"] = 0.99, ["RVO"] = 0.97 }, 0.02);
        static KeyValuePair<string, double?> S(string name, double? value) => KeyValuePair.Create(name, value);

        Assert.Empty(monitor.Observe([S("RAO", 0.995), S("normal", 0.1), S("RVO", null)]));
        ConditionChange warning = Assert.Single(monitor.Observe([S("RAO", 0.98)]));
        Assert.Equal((ConditionStatus.Ok, ConditionStatus.Warning), (warning.Previous, warning.Status));
        Assert.Empty(monitor.Observe([S("RAO", 0.975)])); // still a warning: no new alert
        ConditionChange critical = Assert.Single(monitor.Observe([S("RAO", 0.5), S("RVO", 0.99)]));
        Assert.Equal("RAO", critical.Condition);
        Assert.Contains("0.500 is below its threshold 0.990 (critical, was warning)", critical.Describe());
        Assert.Empty(monitor.Observe([S("RAO", 0.999)])); // recovery is not an alert…
        Assert.Equal(ConditionStatus.Ok, monitor.Current["RAO"].Status); // …but is shown
        Assert.Single(monitor.Observe([S("RAO", 0.9)]));
    }

    [Fact]
    public void RunTargetsApplyUnlessConfigurationOverridesThem()
    {
        var monitor = new CriticalConditionMonitor(new Dictionary<string, double> { ["RAO"] = 0.99 }, 0.01);
        monitor.Reset(new Dictionary<string, double> { ["RAO"] = 0.5, ["Retinal_Detachment"] = 0.95 });
        Assert.Equal(0.99, monitor.Thresholds["RAO"]);
        Assert.Equal(0.95, monitor.Thresholds["Retinal_Detachment"]);
        Assert.Equal(ConditionStatus.Critical, Assert.Single(monitor.Observe([KeyValuePair.Create("Retinal_Detachment", (double?)0.9)])).Status);
    }
}
