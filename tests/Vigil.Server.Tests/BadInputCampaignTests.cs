using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Vigil.Monitoring.Control;
using Xunit.Abstractions;

namespace Vigil.Server.Tests;

/// <summary>
/// Every route the server describes (its OpenAPI document) and <c>/ws</c> get malformed, truncated, huge and deeply
/// nested JSON, wrong types, non-finite and out-of-range numbers, path-like and unicode ids, and junk query values.
/// None of it may answer 5xx, crash the server, store what should not be stored, or answer in .NET's words.
/// </summary>
public sealed partial class BadInputCampaignTests(ITestOutputHelper output)
{
    // What a client must never read in an error: the framework's names for its own types.
    [GeneratedRegex(@"\b(System|Microsoft|Vigil)\.|Nullable|Int32|Int64|\bDouble\b|Boolean|JsonElement|JsonValueKind|`1|Exception\b")]
    private static partial Regex DotNetWords();

    private sealed class Tally
    {
        public int Requests;
        public readonly Dictionary<int, int> ByStatus = [];
        public readonly List<string> Failures = [];

        public void Add(string what, HttpStatusCode status, string body)
        {
            Requests++;
            ByStatus[(int)status] = ByStatus.GetValueOrDefault((int)status) + 1;
            if ((int)status >= 500) Failures.Add($"{what} → {(int)status} {Short(body)}");
            if ((int)status is >= 400 and < 500)
            {
                string? error = null;
                try { error = JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(); }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { }
                if (string.IsNullOrWhiteSpace(error)) Failures.Add($"{what} → {(int)status} without an error sentence: {Short(body)}");
                else if (DotNetWords().IsMatch(error)) Failures.Add($"{what} → {(int)status} speaks .NET: {error}");
            }
        }

        public string Summary() => $"{Requests} requests: " + string.Join(", ", ByStatus.OrderBy(p => p.Key).Select(p => $"{p.Value}× {p.Key}"));

        private static string Short(string text) => text.Length <= 300 ? text : text[..300] + "…";
    }

    // Literal JSON values put where a template has a value: each wrong for most fields.
    private static readonly string[] WrongValues =
    [
        "\"abc\"", "\"\"", "123", "-1", "0", "1.5", "-9223372036854775809", "99999999999999999999999", "1e308", "1e309", "-1e309",
        "\"NaN\"", "\"Infinity\"", "NaN", "Infinity", "true", "null", "[]", "{}", "[1,2]", "{\"a\":1}", "\"../../etc/passwd\"",
        "\"/etc/passwd\"", "\"%2e%2e/x\"", "\"\\u0000\"", "\"💥\\ud800\"", "\"" + new string('x', 5000) + "\"",
    ];

    private static readonly Dictionary<string, string> Templates = new()
    {
        ["/api/runs"] = """{"id": "made", "name": "n", "config": {"lr": 0.1}, "hyperparameters": {"b": 1}}""",
        ["/api/runs/{id}/log"] = """{"points": [{"series": "loss/train", "step": 1, "value": 0.5, "time": "2026-01-01T00:00:00Z"}], "epoch": {"epoch": 1, "classes": ["a"]}, "state": "running"}""",
        ["/api/training/start"] = """{"dataset": "d", "phase": "supervised", "epochs": 1, "batch_size": 2, "image_size": 32, "lr": 0.01, "resume": false, "output": "o", "critical": "a=0.9"}""",
        ["/api/session"] = """{"token": "x"}""",
    };

    private static readonly string[] Ids = ["r", "../x", "..%2fx", "%2e%2e", "a%2Fb", "ü-ñ-💥", "%00", "con", new('x', 3000), "r%20", "'; DROP TABLE runs; --"];

    private static readonly string[] QueryNames = ["run", "series", "from", "to", "max_points", "limit", "epoch", "since"];

    private static readonly string[] QueryValues = ["abc", "-1", "0", "99999999999999999999", "1e309", "NaN", "%00", "../x", "💥", "", new('9', 2000)];

    [Fact]
    public async Task EveryRouteSurvivesBadInputWithoutA500OrDotNetWordsOrStoringJunk()
    {
        var launches = new List<TrainingStartRequest>();
        await using ServerHarness h = await ServerHarness.StartAsync(setup: new MonitoringServerSetup
        {
            Launcher = (request, _) => { lock (launches) launches.Add(request); return Task.FromException<string>(new InvalidTrainingRequestException("refused by the test")); },
        });
        Assert.Equal(HttpStatusCode.Created, (await h.PostRawAsync("api/runs", """{"id": "r"}""")).StatusCode);
        var tally = new Tally();

        JsonElement openApi = await h.GetJsonAsync("openapi/v1.json");
        var routes = openApi.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => (Path: p.Name, Method: m.Name.ToUpperInvariant()))).ToList();
        Assert.True(routes.Count >= 15, $"only {routes.Count} routes in the OpenAPI document");

        foreach ((string path, string method) in routes)
        {
            foreach (string id in path.Contains("{id}") ? Ids : ["-"])
            {
                string url = path.Replace("{id}", Uri.EscapeDataString(id)).TrimStart('/');
                if (method == "GET")
                {
                    foreach (string name in QueryNames)
                        foreach (string value in QueryValues)
                            await Send(h, tally, HttpMethod.Get, $"{url}?{name}={Uri.EscapeDataString(value)}", null);
                    continue;
                }
                foreach (string body in Bodies(Templates.GetValueOrDefault(path, "{}")))
                    await Send(h, tally, new HttpMethod(method), url, body);
                await Send(h, tally, new HttpMethod(method), url, new string('[', 10_000) + new string(']', 10_000));
                await Send(h, tally, new HttpMethod(method), url, Deep(10_000));
                await SendOversizedAsync(h, tally, method, url);
            }
        }
        output.WriteLine($"routes: {routes.Count}; {tally.Summary()}; start launches attempted: {launches.Count}");
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} of {tally.Requests} answers were wrong:\n" + string.Join("\n", tally.Failures.Take(40)));
        Assert.True(tally.Requests > 3000, tally.Summary());

        // Nothing that should not be stored was: the runs are "r" and the campaign's one valid id, unicode ids allowed.
        JsonElement runs = await h.GetJsonAsync("api/runs");
        string[] ids = runs.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToArray();
        Assert.All(ids, id => Assert.True(!id.Contains('/') && !id.Contains('\\') && id is not "." and not ".." && !id.Any(char.IsControl), $"stored run id {id}"));
        Assert.Contains("r", ids);
        foreach (string id in ids)
        {
            JsonElement detail = await h.GetJsonAsync($"api/runs/{Uri.EscapeDataString(id)}");
            // Any text is a series name (a tag, as in TensorBoard), but never an empty, overlong or control-character one.
            Assert.All(detail.GetProperty("series").EnumerateArray(), s =>
                Assert.True(s.GetString() is { Length: > 0 and <= 200 } name && !string.IsNullOrWhiteSpace(name) && !name.Any(char.IsControl), $"stored series {s}"));
        }
        await foreach (string line in ExportLines(h, "r"))
        {
            string[] cells = line.Split(',');
            Assert.True(long.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture) >= 0, $"stored a negative step: {line}");
        }
        // Start requests with wrong types never reached the launcher: only whole, well-typed bodies did.
        Assert.All(launches, l => Assert.True(l.Unknown is null or { Count: 0 }));
        JsonElement health = await h.GetJsonAsync("healthz");
        Assert.Equal(0, health.GetProperty("store_failures").GetInt64());
    }

    [Fact]
    public async Task TheWebSocketRefusesBadQueriesAndIgnoresJunkFramesWhileServing()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        int tried = 0;
        foreach (string since in new[] { "abc", "-1", "99999999999999999999", "1e3", "%00", "💥" })
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(h.WebSocketUrl("?since=" + Uri.EscapeDataString(since)), CancellationToken.None));
            Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
            tried++;
        }
        // A text frame that is not UTF-8 breaks the protocol: the server closes that connection (1007), and only that one.
        using (ClientWebSocket broken = await h.ConnectAsync())
        {
            await broken.ReceiveJsonAsync();
            await broken.SendAsync(new byte[] { 0xff, 0xfe, 0x00 }, WebSocketMessageType.Text, true, CancellationToken.None);
            tried++;
            try
            {
                while (await broken.ReceiveJsonAsync() is not null) { }
            }
            catch (WebSocketException) { }
            Assert.NotEqual(WebSocketState.Open, broken.State);
        }
        using ClientWebSocket client = await h.ConnectAsync();
        Assert.Equal("hello", (await client.ReceiveJsonAsync())!.Value.GetProperty("type").GetString());
        var junk = new List<(byte[] Bytes, WebSocketMessageType Type)>
        {
            (Encoding.UTF8.GetBytes("{not json"), WebSocketMessageType.Text), (Encoding.UTF8.GetBytes(new string('[', 10_000)), WebSocketMessageType.Text),
            (new byte[1 << 20], WebSocketMessageType.Binary), (Encoding.UTF8.GetBytes("{\"type\": \"pause\"}"), WebSocketMessageType.Text),
            (Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("💥", 100_000))), WebSocketMessageType.Text),
        };
        foreach ((byte[] bytes, WebSocketMessageType type) in junk)
        {
            await client.SendAsync(bytes, type, true, CancellationToken.None);
            tried++;
        }
        // Still served: a run's events arrive after the junk, and the server still answers.
        await h.PostRawAsync("api/runs", """{"id": "after-junk"}""");
        JsonElement status = await client.ReceiveTypeAsync("status");
        Assert.Equal("after-junk", status.GetProperty("run_id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await h.Http.GetAsync("healthz")).StatusCode);
        output.WriteLine($"{tried} bad WebSocket inputs");
    }

    [Fact]
    public async Task TenThousandSeriesNamesAreStoredAndListed()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        await h.PostRawAsync("api/runs", """{"id": "wide"}""");
        for (int batch = 0; batch < 10; batch++)
        {
            var points = Enumerable.Range(batch * 1000, 1000).Select(i => new { series = $"layer{i:D5}/grad_norm", step = 1, value = i * 0.5 });
            HttpResponseMessage response = await h.PostJsonAsync("api/runs/wide/log", new { points });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        JsonElement detail = await h.GetJsonAsync("api/runs/wide");
        Assert.Equal(10_000, detail.GetProperty("series").GetArrayLength());
        JsonElement history = await h.GetJsonAsync("api/metrics/history?run=wide&series=layer09999/grad_norm");
        Assert.Equal(9999 * 0.5, history.GetProperty("series")[0].GetProperty("buckets")[0].GetProperty("last").GetDouble());
        using ClientWebSocket socket = await h.ConnectAsync();
        Assert.Equal("hello", (await socket.ReceiveJsonAsync(TimeSpan.FromSeconds(30)))!.Value.GetProperty("type").GetString());
    }

    // The template, whole and cut short at several places, then each value in turn replaced by each wrong value.
    private static IEnumerable<string> Bodies(string template)
    {
        yield return template;
        foreach (int cut in new[] { 0, 1, template.Length / 3, template.Length / 2, template.Length - 1 }) yield return template[..cut];
        yield return "not json";
        yield return "null";
        yield return "[]";
        yield return "\"text\"";
        yield return "{\"unknown_field\": 1}";
        const string marker = "@@value@@";
        JsonNode root = JsonNode.Parse(template)!;
        foreach (JsonNode slot in Values(root).ToList())
        {
            JsonNode? parent = slot.Parent;
            string? key = parent is JsonObject ? slot.GetPropertyName() : null;
            int index = parent is JsonArray ? slot.GetElementIndex() : -1;
            foreach (string wrong in WrongValues)
            {
                JsonNode copy = JsonNode.Parse(template)!;
                JsonNode target = Locate(copy, slot.GetPath());
                JsonNode? targetParent = target.Parent;
                if (targetParent is JsonObject o) o[key!] = marker;
                else if (targetParent is JsonArray a) a[index] = marker;
                yield return copy.ToJsonString().Replace($"\"{marker}\"", wrong, StringComparison.Ordinal);
            }
        }
    }

    private static IEnumerable<JsonNode> Values(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o) if (child is not null) { yield return child; foreach (JsonNode inner in Values(child)) yield return inner; }
                break;
            case JsonArray a:
                foreach (JsonNode? child in a) if (child is not null) { yield return child; foreach (JsonNode inner in Values(child)) yield return inner; }
                break;
        }
    }

    private static JsonNode Locate(JsonNode root, string path)
    {
        JsonNode node = root;
        foreach (Match m in Regex.Matches(path, @"\.(?<name>[^.\[]+)|\['(?<quoted>[^']*)'\]|\[(?<index>\d+)\]"))
            node = m.Groups["index"].Success ? node[int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture)]! : node[m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["quoted"].Value]!;
        return node;
    }

    private static string Deep(int depth)
    {
        var text = new StringBuilder(depth * 8);
        for (int i = 0; i < depth; i++) text.Append("{\"a\":");
        text.Append('1').Append('}', depth);
        return text.ToString();
    }

    private static async Task Send(ServerHarness h, Tally tally, HttpMethod method, string url, string? body)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await h.Http.SendAsync(request);
        tally.Add($"{method} /{(url.Length > 120 ? url[..120] + "…" : url)} {(body is null ? "" : body.Length > 120 ? body[..120] + "…" : body)}", response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // A body over MONITORING_MAX_BODY_BYTES is answered before it is all sent, and the connection is closed; an
    // HttpClient then fails writing the rest. A raw connection announces 3 MB, sends 64 KiB and reads the answer.
    private static async Task SendOversizedAsync(ServerHarness h, Tally tally, string method, string url)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(h.Url.Host, h.Url.Port);
        using System.Net.Sockets.NetworkStream stream = tcp.GetStream();
        string head = $"{method} /{url} HTTP/1.1\r\nHost: {h.Url.Authority}\r\nContent-Type: application/json\r\nContent-Length: 3000000\r\nConnection: close\r\n\r\n{{\"pad\": \"";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        try { await stream.WriteAsync(Encoding.ASCII.GetBytes(new string('x', 64 * 1024))); }
        catch (IOException) { } // the server answered and closed early: what we want to read
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string answer;
        try { answer = await reader.ReadToEndAsync(timeout.Token); }
        catch (IOException e) { answer = e.Message; }
        System.Text.RegularExpressions.Match status = Regex.Match(answer, @"^HTTP/1\.1 (\d{3})");
        string body = answer.Contains("\r\n\r\n", StringComparison.Ordinal) ? answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..] : "";
        // A handler that never reads the body (pause) may answer 2xx/409 and close; one that reads it answers 413.
        tally.Add($"{method} /{url} (3 MB announced)", status.Success ? (HttpStatusCode)int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : HttpStatusCode.InternalServerError, ChunkedBody(body));
    }

    // Kestrel sends an error body chunked when it does not know the length in advance.
    private static string ChunkedBody(string body)
    {
        var match = Regex.Match(body, @"^[0-9a-fA-F]+\r\n(?<data>.*?)\r\n0\r\n", RegexOptions.Singleline);
        return match.Success ? match.Groups["data"].Value : body;
    }

    private static async IAsyncEnumerable<string> ExportLines(ServerHarness h, string id)
    {
        string csv = await h.Http.GetStringAsync($"api/runs/{id}/export.csv");
        foreach (string line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)) yield return line;
    }
}
