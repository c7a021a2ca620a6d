using Vigil.Monitoring.Configuration;

namespace Vigil.Monitoring.Tests;

public sealed class MonitoringOptionsTests
{
    private static MonitoringOptions Read(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return MonitoringEnvironment.Read(name => map.GetValueOrDefault(name));
    }

    private static MonitoringOptionsException Fails(params (string Name, string Value)[] variables) =>
        Assert.Throws<MonitoringOptionsException>(() => Read(variables));

    [Fact]
    public void DefaultsAreThoseOfTheIssue()
    {
        MonitoringOptions options = Read();
        Assert.Equal("localhost", options.Host);
        Assert.Equal(8000, options.Port);
        Assert.False(options.Debug);
        Assert.Equal("./monitoring.db", options.DbPath);
        Assert.Equal(1000, options.CacheSize);
        Assert.Equal(10, options.WsUpdateFrequency);
        Assert.Equal(50, options.WsMaxConnections);
        Assert.Null(options.Token);
        Assert.False(options.TokenRequired);
        Assert.Empty(options.CriticalThresholds);
        Assert.Empty(options.CorsOrigins);
    }

    [Fact]
    public void EveryVariableIsRead()
    {
        MonitoringOptions options = Read(
            ("MONITORING_HOST", "0.0.0.0"), ("MONITORING_PORT", "9001"), ("MONITORING_DEBUG", "yes"),
            ("MONITORING_DB_PATH", "/data/m.db"), ("MONITORING_CACHE_SIZE", "500"), ("WS_UPDATE_FREQUENCY", "2.5"),
            ("WS_MAX_CONNECTIONS", "7"), ("MONITORING_TOKEN", "s3cret"),
            ("MONITORING_CRITICAL_THRESHOLDS", """{"RAO":0.99,"RVO":0.97,"Retinal_Detachment":0.99}"""),
            ("MONITORING_WARNING_MARGIN", "0.05"), ("MONITORING_CORS_ORIGINS", "http://a.test, http://b.test"),
            ("MONITORING_MAX_BODY_BYTES", "4096"), ("WS_REPLAY_BUFFER", "64"));
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal(9001, options.Port);
        Assert.True(options.Debug);
        Assert.Equal("/data/m.db", options.DbPath);
        Assert.Equal(500, options.CacheSize);
        Assert.Equal(2.5, options.WsUpdateFrequency);
        Assert.Equal(7, options.WsMaxConnections);
        Assert.Equal("s3cret", options.Token);
        Assert.True(options.TokenRequired); // bound off loopback
        Assert.Equal(0.97, options.CriticalThresholds["RVO"]);
        Assert.Equal(3, options.CriticalThresholds.Count);
        Assert.Equal(0.05, options.WarningMargin);
        Assert.Equal(["http://a.test", "http://b.test"], options.CorsOrigins);
        Assert.Equal(4096, options.MaxBodyBytes);
        Assert.Equal(64, options.WsReplayBuffer);
    }

    [Theory]
    [InlineData("MONITORING_PORT", "eighty", "MONITORING_PORT=eighty is not a whole number")]
    [InlineData("MONITORING_PORT", "70000", "MONITORING_PORT=70000 is out of range; use 0..65535")]
    [InlineData("MONITORING_DEBUG", "maybe", "MONITORING_DEBUG=maybe is not a boolean")]
    [InlineData("MONITORING_CACHE_SIZE", "0", "MONITORING_CACHE_SIZE=0 is out of range")]
    [InlineData("WS_UPDATE_FREQUENCY", "fast", "WS_UPDATE_FREQUENCY=fast is not a number")]
    [InlineData("WS_UPDATE_FREQUENCY", "0", "WS_UPDATE_FREQUENCY=0 is out of range")]
    [InlineData("WS_MAX_CONNECTIONS", "-1", "WS_MAX_CONNECTIONS=-1 is out of range")]
    [InlineData("MONITORING_CRITICAL_THRESHOLDS", "RAO=0.99", "MONITORING_CRITICAL_THRESHOLDS=RAO=0.99 is not a JSON object")]
    [InlineData("MONITORING_CRITICAL_THRESHOLDS", """{"RAO":1.5}""", "MONITORING_CRITICAL_THRESHOLDS[\"RAO\"]=1.5 is out of range")]
    [InlineData("MONITORING_WARNING_MARGIN", "2", "MONITORING_WARNING_MARGIN=2 is out of range")]
    public void BadValuesAreNamedWithWhatIsAllowed(string name, string value, string expected)
    {
        MonitoringOptionsException e = Fails((name, value));
        Assert.Contains(expected, e.Message);
        Assert.IsAssignableFrom<Vigil.Core.UserInputException>(e);
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        MonitoringOptionsException e = Fails(("MONITORING_PORT", "x"), ("WS_MAX_CONNECTIONS", "y"));
        Assert.Equal(2, e.Problems.Count);
    }

    [Fact]
    public void NonLoopbackBindingWithoutTokenIsRefused()
    {
        MonitoringOptionsException e = Fails(("MONITORING_HOST", "0.0.0.0"));
        Assert.Contains("MONITORING_TOKEN", e.Message);
        Assert.True(Read(("MONITORING_HOST", "127.0.0.1")).IsLoopback);
        Assert.True(Read(("MONITORING_HOST", "::1")).IsLoopback);
        Assert.False(Read(("MONITORING_HOST", "127.0.0.1")).TokenRequired);
        Assert.Contains("MONITORING_TOKEN", Fails(("MONITORING_REQUIRE_TOKEN", "true")).Message);
    }

    [Fact]
    public async Task PostgresUrlsAreRecognisedAndOpenThePostgresStoreWithoutLeakingThePassword()
    {
        MonitoringOptions options = Read(("MONITORING_DB_PATH", "postgres://vigil:hunter2@db.local/vigil"));
        Assert.True(options.IsPostgres);
        Assert.True(Read(("MONITORING_DB_PATH", "postgresql://db.local/vigil")).IsPostgres);
        Assert.False(Read(("MONITORING_DB_PATH", "./postgres.db")).IsPostgres);
        // Creating does not connect; a malformed URL is bad input, reported without the password.
        await using Storage.IMetricStore store = Storage.MetricStores.Create(options);
        Assert.IsType<Storage.Postgres.PostgresMetricStore>(store);
        var e = Assert.Throws<MonitoringOptionsException>(() => Storage.MetricStores.Create(options with { DbPath = "postgres://vigil:hunter2@db.local:x/vigil" }));
        Assert.DoesNotContain("hunter2", e.Message);
        // Validation reports it with every other problem.
        MonitoringOptionsException invalid = Fails(("MONITORING_DB_PATH", "postgres://vigil:hunter2@db.local:x/vigil"), ("MONITORING_PORT", "-1"));
        Assert.Equal(2, invalid.Problems.Count);
        Assert.Contains("postgres://vigil:***@db.local:x/vigil is not a usable PostgreSQL URL", invalid.Message);
        Assert.DoesNotContain("hunter2", invalid.Message);
    }

    [Fact]
    public void PrintingTheOptionsShowsNeitherTheTokenNorTheStorePassword()
    {
        var options = new MonitoringOptions { Token = "tok-31415", DbPath = "postgres://vigil:pa55word@db:5432/runs", Host = "0.0.0.0" };
        string text = options.ToString();
        Assert.DoesNotContain("tok-31415", text);
        Assert.DoesNotContain("pa55word", text);
        Assert.Contains("Token = set", text);
        Assert.Contains("TokenRequired = True", text);
    }
}
