using System.Net;
using Vigil.Cli.Tests;

namespace Vigil.Serving.Tests;

/// <summary><c>vigil serve --models</c> as a user runs it: a real child process, its options checked, Ctrl-C stopping it.</summary>
[Collection(ServingCollection.Name)]
public class ServeVerbTests(ServingFixture fixture)
{
    [Fact]
    public async Task Serve_models_no_monitor_serves_inference_only_until_interrupted()
    {
        string root = fixture.Repository(("tiny", [1, 2]));
        using var serve = await ServeProcess.StartAsync(fixture.Dir.Path, "--models", root, "--port", "0", "--grpc-port", "0", "--no-monitor");
        using var http = new HttpClient { BaseAddress = serve.Url };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("v2/models/tiny/versions/2/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("api/status")).StatusCode);
        var (response, body) = await Requests.PostJsonAsync(http, "v2/models/tiny/infer", Requests.ImagesJson([File.ReadAllBytes(fixture.Images[0])]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", body.GetProperty("model_version").GetString());

        Assert.Equal(0, serve.Interrupt());
        string stderr = await serve.Stderr;
        Assert.Contains("inference only", stderr);
        Assert.Contains("tiny: ready (versions 1, 2; default 2)", stderr);
        Assert.Matches(@"gRPC on http://127\.0\.0\.1:\d+/", stderr);
    }

    [Theory]
    [InlineData("--no-monitor")]
    [InlineData("--grpc-port", "9001")]
    public void Inference_options_need_a_models_folder(params string[] args)
    {
        CliRun run = VigilProcess.Run(fixture.Dir.Path, ["serve", "--port", "0", .. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("go with --models DIR", run.Stderr);
    }

    [Fact]
    public void A_missing_models_folder_is_bad_input()
    {
        CliRun run = VigilProcess.Run(fixture.Dir.Path, "serve", "--port", "0", "--models", fixture.Dir.Combine("no-such-folder"), "--no-monitor");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no such folder", run.Stderr);
    }
}
