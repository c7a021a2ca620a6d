using System.CommandLine;
using Vigil.Cli.Infrastructure;
using Vigil.Monitoring.Configuration;
using Vigil.Server;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil serve</c>: the monitoring server (REST, WebSocket, SQLite store) until Ctrl-C.</summary>
public static class ServeCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var host = new Option<string?>("--host") { Description = "Address to bind (default: MONITORING_HOST, else localhost); off loopback, control and ingestion need MONITORING_TOKEN", HelpName = "H" };
        var port = new Option<int?>("--port") { Description = "Port (default: MONITORING_PORT, else 8000; 0 picks a free one)", HelpName = "P" };
        var db = new Option<string?>("--db") { Description = "SQLite file of the run store (default: MONITORING_DB_PATH, else ./monitoring.db)", HelpName = "PATH" };
        var command = new Command("serve",
            "Run the training monitor: REST API, WebSocket /ws and the run store, until Ctrl-C; POST /api/training/start trains here (vigil train's options as JSON). Configuration comes from the MONITORING_* and WS_* " +
            "environment variables (docs/monitoring-api.md); the flags override them. Logs go to monitoring.log, websocket.log and metrics.log.")
        {
            host, port, db,
        };
        command.SetAction(VigilApp.Guarded("serve", async (parse, token) =>
        {
            var options = MonitoringEnvironment.Read();
            if (parse.GetValue(host) is { } h) options = options with { Host = h };
            if (parse.GetValue(port) is { } p) options = options with { Port = p };
            if (parse.GetValue(db) is { } d) options = options with { DbPath = d };
            // StartAsync validates the options (a token off loopback among them) and reports every problem as bad input.
            MonitoringServer? created = null;
            var launcher = new ServeTrainingLauncher(() => created!);
            await using var server = created = new MonitoringServer(options, new MonitoringServerSetup { Launcher = launcher.LaunchAsync });
            var url = await server.StartAsync(token);
            // One line on stdout that scripts can read; the rest on stderr.
            Console.WriteLine(url);
            Console.Error.WriteLine($"vigil serve: listening on {url} (store {options.DbPath}); API reference: {url}openapi/v1.json; Ctrl-C stops.");
            try { await Task.Delay(Timeout.Infinite, token); }
            catch (OperationCanceledException) { }
            // A run started from the API saves a checkpoint and ends before the store closes (resume it with "resume": true).
            await launcher.StopAsync("the server is shutting down");
            await server.StopAsync(CancellationToken.None);
            Console.Error.WriteLine("vigil serve: stopped; every acknowledged point is in the store.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
