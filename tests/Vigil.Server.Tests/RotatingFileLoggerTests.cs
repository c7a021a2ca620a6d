using Microsoft.Extensions.Logging;
using Vigil.Server.Logging;

namespace Vigil.Server.Tests;

public sealed class RotatingFileLoggerTests
{
    [Fact]
    public void FilesRotateBySizeAndKeepTheNewest()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vigil-server-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using (var provider = new RotatingFileLoggerProvider(folder, maxBytes: 2048, keep: 2))
            {
                ILogger log = provider.CreateLogger("Vigil.Server.WebSocket");
                for (int i = 0; i < 200; i++) log.LogInformation("line {Number} {Padding}", i, new string('x', 40));
                provider.CreateLogger("Other").LogWarning("general");
            }
            Assert.True(File.Exists(Path.Combine(folder, "websocket.log.1")));
            Assert.True(File.Exists(Path.Combine(folder, "websocket.log.2")));
            Assert.False(File.Exists(Path.Combine(folder, "websocket.log.3")));
            Assert.True(new FileInfo(Path.Combine(folder, "websocket.log.1")).Length <= 2048 + 200);
            string current = Path.Combine(folder, "websocket.log");
            // The newest line is in the live file, or in .1 when that line itself triggered the rotation.
            Assert.Contains("line 199", (File.Exists(current) ? File.ReadAllText(current) : "") + File.ReadAllText(current + ".1"));
            Assert.Contains("WARN Other: general", File.ReadAllText(Path.Combine(folder, "monitoring.log")));
            Assert.Equal("metrics.log", RotatingFileLoggerProvider.FileFor("Vigil.Server.Metrics.Ingest"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
