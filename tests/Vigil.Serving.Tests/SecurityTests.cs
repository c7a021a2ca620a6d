using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;

namespace Vigil.Serving.Tests;

/// <summary>The monitoring server's rules over both ports: the token on every route but the probes, body limits stated.</summary>
[Collection(ServingCollection.Name)]
public class SecurityTests(ServingFixture fixture)
{
    private const string Token = "s3cret-token-for-tests";

    [Fact]
    public async Task With_a_token_every_route_and_rpc_needs_it_except_the_probes()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])), token: Token);
        using var anonymous = new HttpClient { BaseAddress = host.Server.Url };
        foreach (string path in new[] { "v2", "v2/models/tiny", "v2/models/tiny/ready", "metrics" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        var (infer, _) = await Requests.PostJsonAsync(anonymous, "v2/models/tiny/infer", Requests.ImagesJson([File.ReadAllBytes(fixture.Images[0])]));
        Assert.Equal(HttpStatusCode.Unauthorized, infer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("api/detect", new MultipartFormDataContent())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("v2/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("v2/models/tiny")).StatusCode);

        var e = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "tiny" }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("access token", e.Status.Detail);
        e = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "tiny" }, InferenceHost.Bearer("wrong")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        var metadata = await host.Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "tiny" }, InferenceHost.Bearer(Token));
        Assert.Equal("tiny", metadata.Name);
        var health = new Grpc.Health.V1.Health.HealthClient(host.Channel);
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task A_loopback_server_refuses_other_host_names_on_both_ports()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        using var request = new HttpRequestMessage(HttpMethod.Get, "v2/models/tiny");
        request.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.SendAsync(request)).StatusCode);

        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(host.Feature.GrpcUrl!, new Grpc.Net.Client.GrpcChannelOptions
        {
            HttpHandler = new HostRewriter("evil.example") { InnerHandler = new SocketsHttpHandler() },
        });
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.ServerLiveAsync(new ServerLiveRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_stating_the_limit_and_RESOURCE_EXHAUSTED()
    {
        const long limit = 64 * 1024;
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])), maxRequestBytes: limit);
        byte[] large = new byte[limit + 1024];
        var (response, body) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([large]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("error").GetString());

        using var form = new MultipartFormDataContent { { new ByteArrayContent(large), "file", "big.png" } };
        var detect = await host.Http.PostAsync("api/detect", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, detect.StatusCode);

        var e = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.ModelInferAsync(Requests.GrpcImages("tiny", [large], raw: true)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);

        var (fits, _) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([File.ReadAllBytes(fixture.Images[0])]));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    private sealed class HostRewriter(string host) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Host = host;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
