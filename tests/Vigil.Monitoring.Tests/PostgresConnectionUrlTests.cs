using Npgsql;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Storage;
using Vigil.Monitoring.Storage.Postgres;

namespace Vigil.Monitoring.Tests;

public sealed class PostgresConnectionUrlTests
{
    private static NpgsqlConnectionStringBuilder Parse(string url) => new(PostgresConnectionUrl.ToConnectionString(url));

    [Fact]
    public void AFullUrlIsDecodedIntoItsParts()
    {
        NpgsqlConnectionStringBuilder b = Parse("postgres://us%40er:p%40ss%3Aw%2Fd@db.example.org:6543/my%20db?sslmode=verify-full&application_name=trainer%201&connect_timeout=7");
        Assert.Equal(("us@er", "p@ss:w/d", "db.example.org", 6543, "my db"), (b.Username, b.Password, b.Host, b.Port, b.Database));
        Assert.Equal((SslMode.VerifyFull, "trainer 1", 7), (b.SslMode, b.ApplicationName, b.Timeout));
        Assert.True(b.Pooling);
    }

    [Fact]
    public void DefaultsFillWhatTheUrlLeavesOut()
    {
        NpgsqlConnectionStringBuilder b = Parse("postgresql://vigil@db");
        Assert.Equal(("vigil", null, "db", PostgresConnectionUrl.DefaultPort, null, "vigil"), (b.Username, b.Password, b.Host, b.Port, b.Database, b.ApplicationName));
        Assert.Equal("localhost", Parse("postgres:///metrics").Host);
        Assert.Equal("metrics", Parse("postgres:///metrics").Database);
        // Unencoded '@', '?', '#' or '/' in the password still parse: the last '@' ends the user info.
        Assert.Equal("p@ss", Parse("POSTGRES://u:p@ss@h/d").Password);
        NpgsqlConnectionStringBuilder raw = Parse("postgres://u:p?a#s/s:@h:5433/d?sslmode=disable");
        Assert.Equal(("p?a#s/s:", "h", 5433, "d", SslMode.Disable), (raw.Password, raw.Host, raw.Port, raw.Database, raw.SslMode));
    }

    [Fact]
    public void Ipv6AndSeveralHostsAreUnderstood()
    {
        NpgsqlConnectionStringBuilder v6 = Parse("postgres://u:p@[::1]:5433/d");
        Assert.Equal(("::1", 5433), (v6.Host, v6.Port));
        Assert.Equal("a:5432,b:6000,[::1]:5432", Parse("postgres://u:p@a,b:6000,[::1]/d").Host);
        Assert.Equal("/var/run/postgresql", Parse("postgres://u@/d?host=%2Fvar%2Frun%2Fpostgresql").Host);
    }

    [Fact]
    public void NpgsqlKeywordsAndLibpqNamesBothWorkAsParameters()
    {
        NpgsqlConnectionStringBuilder b = Parse("postgres://u@h/d?maximum_pool_size=20&search_path=metrics&target_session_attrs=primary&options=-c%20statement_timeout%3D5000");
        Assert.Equal((20, "metrics", "-c statement_timeout=5000"), (b.MaxPoolSize, b.SearchPath, b.Options));
        Assert.Equal("primary", b.TargetSessionAttributes);
    }

    [Theory]
    [InlineData("postgres://vigil:hunter2@db:port/d", "the port 'port' is not a number")]
    [InlineData("postgres://vigil:hunter2@db:70000/d", "the port '70000' is not a number")]
    [InlineData("postgres://vigil:hunter2@[::1/d", "is not [address] or [address]:port")]
    [InlineData("postgres://vigil:hunter2@db/d?no_such_option=1", "the parameter no_such_option=1 is not valid")]
    [InlineData("postgres://vigil:hunter2@db/d?sslmode=sometimes", "sslmode")]
    [InlineData("postgres://vigil@db/d?password=hunter2&sslmode=sometimes", "sslmode")]
    [InlineData("postgres://vigil@db/d?password=hunter2&port=x", "the parameter port=x is not valid")]
    [InlineData("postgres://vigil:hun?ter2@db:x/d", "the port 'x' is not a number")]
    [InlineData("postgres://vigil:hunter2#1@db:x/d", "the port 'x' is not a number")]
    public void MalformedUrlsAreRefusedWithoutShowingThePassword(string url, string reason)
    {
        var e = Assert.Throws<MonitoringOptionsException>(() => PostgresConnectionUrl.ToConnectionString(url));
        Assert.Contains(reason, e.Message);
        Assert.Contains("***", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
        // The store's constructor and the factory say the same.
        var viaFactory = Assert.Throws<MonitoringOptionsException>(() => MetricStores.Create(new MonitoringOptions { DbPath = url }));
        Assert.DoesNotContain("hunter2", viaFactory.Message);
    }

    [Theory]
    [InlineData("postgres://vigil:hunter2@db:5432/v", "postgres://vigil:***@db:5432/v")]
    [InlineData("postgresql://vigil:hun%40ter2@db/v?sslmode=require", "postgresql://vigil:***@db/v?sslmode=require")]
    [InlineData("postgres://vigil:hun@ter2@db/v", "postgres://vigil:***@db/v")]
    [InlineData("postgres://vigil@db/v?password=hunter2&sslpassword=x", "postgres://vigil@db/v?password=***&sslpassword=***")]
    [InlineData("postgres://vigil:hun?ter2@db/v?sslmode=require&password=hunter2", "postgres://vigil:***@db/v?sslmode=require&password=***")]
    [InlineData("postgres://vigil:hunter2#/x@db/v", "postgres://vigil:***@db/v")]
    [InlineData("postgres://db/v", "postgres://db/v")]
    [InlineData("./monitoring.db", "./monitoring.db")]
    public void RedactionHidesPasswordsOnly(string url, string redacted)
    {
        Assert.Equal(redacted, PostgresConnectionUrl.Redact(url));
        Assert.Equal(redacted, MetricStores.Describe(url));
    }

    [Fact]
    public async Task AnUnreachableServerIsReportedWithTheRedactedUrl()
    {
        // Port 1 on loopback: nothing listens, so the connection is refused at once.
        await using var store = new PostgresMetricStore("postgres://vigil:hunter2@127.0.0.1:1/vigil?timeout=5");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync());
        Assert.Contains("postgres://vigil:***@127.0.0.1:1/vigil", e.Message);
        Assert.DoesNotContain("hunter2", e.ToString());
    }
}
