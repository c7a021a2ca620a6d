using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil serve</c> as a user runs it: a real process, a real port, Ctrl-C (SIGINT) to stop.</summary>
public sealed class ServeTests
{
    [Fact]
    public async Task Serve_prints_its_url_answers_and_stops_cleanly_on_sigint()
    {
        using var dir = new TempFolder();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dir.Path, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "serve", "--port", "0", "--db", "runs.db" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var firstLine = process.StandardOutput.ReadLineAsync();
            var url = await firstLine.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.False(string.IsNullOrEmpty(url), "no URL on stdout");
            using var http = new HttpClient { BaseAddress = new Uri(url!) };
            Assert.True((await http.GetAsync("healthz")).IsSuccessStatusCode);
            var status = JsonDocument.Parse(await http.GetStringAsync("api/status")).RootElement;
            Assert.Equal("idle", status.GetProperty("state").GetString());
            Assert.True(File.Exists(dir.Combine("runs.db")));

            Assert.Equal(0, kill(process.Id, 2)); // SIGINT, as Ctrl-C sends
            Assert.True(process.WaitForExit(30_000), "serve did not stop on SIGINT");
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("stopped", await stderr);
        }
        finally
        {
            if (!process.HasExited) process.Kill(true);
        }
    }

    [Fact]
    public void Serve_off_loopback_without_a_token_is_an_input_error()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "serve", "--host", "0.0.0.0", "--port", "0");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("MONITORING_TOKEN", run.Stderr);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
