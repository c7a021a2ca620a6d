using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using Vigil.Monitoring.Tests;
using Vigil.Serving.Repository;

namespace Vigil.Serving.Tests;

/// <summary>
/// The model repository and the dynamic batcher behind a real server: hot reload without failing requests in flight, a
/// folder that fails to load, a full queue (503 with Retry-After, UNAVAILABLE), a cancelled gRPC call leaving its batch,
/// and the per-model figures on /metrics. The batcher is held (nothing runs) while a test arranges its queue, so nothing
/// depends on timing.
/// </summary>
[Collection(ServingCollection.Name)]
public class RepositoryAndBatchingTests(ServingFixture fixture)
{
    private byte[] Image => File.ReadAllBytes(fixture.Images[0]);

    [Fact]
    public async Task A_new_version_is_swapped_in_while_a_request_in_flight_finishes_on_the_old_one()
    {
        string root = fixture.Repository(("tiny", [1]));
        await using var host = await InferenceHost.StartAsync(root);
        Task<(HttpResponseMessage, JsonElement)> inFlight;
        using (host.Hold("tiny"))
        {
            inFlight = Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([Image]));
            await InferenceHost.Until(() => host.Waiting("tiny") == 1, "the request is queued on version 1");

            fixture.AddModel(root, "tiny", 2);
            await host.Feature.Repository.RescanAsync();

            Assert.Equal("2", host.Feature.Repository.Find("tiny", null).Version); // new requests go to version 2 at once
        }
        var (response, body) = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        var (_, next) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([Image]));
        Assert.Equal("2", next.GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task Until_the_models_have_loaded_nothing_is_ready_and_requests_are_asked_to_come_back()
    {
        await using var repository = new ModelRepository(fixture.Repository(("tiny", [])), new RepositoryOptions { Watch = false });
        Assert.False(repository.AllReady);
        var e = Assert.Throws<Protocol.InferenceException>(() => repository.Acquire("tiny", null));
        Assert.Equal(Protocol.InferenceFailure.Unavailable, e.Failure);
        Assert.NotNull(e.RetryAfter);

        await repository.StartAsync();

        Assert.True(repository.AllReady);
        repository.Acquire("tiny", null).Release();
    }

    [Fact]
    public async Task A_changed_package_is_reloaded_in_place_and_a_removed_model_goes()
    {
        string root = fixture.Repository(("tiny", []), ("other", []));
        await using var host = await InferenceHost.StartAsync(root);
        var before = host.Feature.Repository.Find("tiny", null);
        File.SetLastWriteTimeUtc(Path.Combine(root, "tiny", "model.vigil"), DateTime.UtcNow.AddMinutes(1));
        Directory.Delete(Path.Combine(root, "other"), recursive: true);

        await host.Feature.Repository.RescanAsync();

        Assert.NotSame(before, host.Feature.Repository.Find("tiny", null));
        Assert.False(before.Ready); // retired: its detector goes once its last request ends
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("v2/models/other")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("v2/models/tiny/ready")).StatusCode);
    }

    [Fact]
    public async Task The_watcher_loads_a_model_folder_added_while_serving()
    {
        string root = fixture.Repository(("tiny", []));
        await using var host = await InferenceHost.StartAsync(root, watch: true);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("v2/models/late/ready")).StatusCode);

        // Copied beside the repository, then moved in: a model folder appears whole, as the docs ask.
        string staging = fixture.AddModel(fixture.Dir.Combine("staging-" + Guid.NewGuid().ToString("N")[..6]), "late");
        Directory.Move(staging, Path.Combine(root, "late"));

        await InferenceHost.Until(() => host.Feature.Repository.Models.TryGetValue("late", out var m) && m.Ready, "the new folder was loaded");
        var answer = await host.Grpc.ModelInferAsync(Requests.GrpcImages("late", [Image], raw: true));
        Assert.Equal("late", answer.ModelName);
    }

    [Fact]
    public async Task A_model_that_fails_to_load_is_not_ready_and_the_others_keep_serving()
    {
        string root = fixture.Repository(("tiny", []));
        Directory.CreateDirectory(Path.Combine(root, "broken", "1"));
        File.WriteAllText(Path.Combine(root, "broken", "1", "model.vigil"), "not a model package");
        Directory.CreateDirectory(Path.Combine(root, "badconfig"));
        File.Copy(fixture.Model, Path.Combine(root, "badconfig", "model.vigil"));
        File.WriteAllText(Path.Combine(root, "badconfig", "config.json"), """{"max_batch_size": 0}""");
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        await using var host = await InferenceHost.StartAsync(root);

        foreach (string model in new[] { "broken", "badconfig", "empty" })
        {
            var (ready, body) = await Requests.GetAsync(host.Http, $"v2/models/{model}/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("not ready", body.GetProperty("error").GetString());
        }
        var (_, why) = await Requests.GetAsync(host.Http, "v2/models/badconfig/ready");
        Assert.Contains("max_batch_size", why.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Http.GetAsync("v2/health/ready")).StatusCode);
        Assert.False((await host.Grpc.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.False((await host.Grpc.ModelReadyAsync(new ModelReadyRequest { Name = "broken" })).Ready);
        Assert.False((await host.Grpc.ModelReadyAsync(new ModelReadyRequest { Name = "empty" })).Ready);
        var e = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.ModelInferAsync(Requests.GrpcImages("broken", [Image], raw: true)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);

        var (served, _) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([Image]));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_and_UNAVAILABLE()
    {
        string root = fixture.Repository(("tiny", []));
        File.WriteAllText(Path.Combine(root, "tiny", "config.json"), """{"max_batch_size": 4, "dynamic_batching": {"max_queue_delay_microseconds": 0, "max_queue_size": 2}}""");
        await using var host = await InferenceHost.StartAsync(root);
        var queued = new List<Task<(HttpResponseMessage Response, JsonElement Body)>>();
        using (host.Hold("tiny"))
        {
            for (int i = 0; i < 2; i++) queued.Add(Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([Image])));
            await InferenceHost.Until(() => host.Waiting("tiny") == 2, "two requests fill the queue");

            var (full, body) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([Image]));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
            Assert.True(full.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Contains("queue is full", body.GetProperty("error").GetString());
            var e = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.ModelInferAsync(Requests.GrpcImages("tiny", [Image], raw: true)).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        }
        foreach (var request in queued) Assert.Equal(HttpStatusCode.OK, (await request).Response.StatusCode);

        // The two queued requests ran as one batch of two.
        string metrics = await host.Http.GetStringAsync("metrics");
        Assert.Contains("vigil_inference_batch_size_bucket{model=\"tiny\",version=\"1\",le=\"1\"} 0", metrics);
        Assert.Contains("vigil_inference_batch_size_bucket{model=\"tiny\",version=\"1\",le=\"2\"} 1", metrics);
        Assert.Contains("vigil_inference_requests_total{model=\"tiny\",version=\"1\"} 4", metrics);
        Assert.Contains("vigil_inference_failures_total{model=\"tiny\",version=\"1\"} 2", metrics);
        Assert.Contains("vigil_inference_compute_seconds_count{model=\"tiny\",version=\"1\"} 1", metrics);
    }

    [Fact]
    public async Task A_cancelled_grpc_call_leaves_the_queue_and_is_never_run()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        using var cancel = new CancellationTokenSource();
        Task<(HttpResponseMessage, JsonElement)> kept;
        AsyncUnaryCall<ModelInferResponse> call;
        using (host.Hold("tiny"))
        {
            call = host.Grpc.ModelInferAsync(Requests.GrpcImages("tiny", [Image], raw: true), cancellationToken: cancel.Token);
            await InferenceHost.Until(() => host.Waiting("tiny") == 1, "the call is queued");
            kept = Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([Image]));
            await InferenceHost.Until(() => host.Waiting("tiny") == 2, "the second request is queued");

            await cancel.CancelAsync();
            var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
            Assert.Equal(StatusCode.Cancelled, e.StatusCode);
            await InferenceHost.Until(() => host.Waiting("tiny") == 1, "the cancelled call left the queue");

            // A deadline is a timeout the client sets: past it, the call leaves the queue too (the batcher is held throughout).
            var late = host.Grpc.ModelInferAsync(Requests.GrpcImages("tiny", [Image], raw: true), deadline: DateTime.UtcNow.AddMilliseconds(300));
            var expired = await Assert.ThrowsAsync<RpcException>(() => late.ResponseAsync);
            Assert.Equal(StatusCode.DeadlineExceeded, expired.StatusCode);
            await InferenceHost.Until(() => host.Waiting("tiny") == 1, "the expired call left the queue");
        }
        var (response, _) = await kept;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string metrics = await host.Http.GetStringAsync("metrics");
        Assert.Contains("vigil_inference_batch_size_sum{model=\"tiny\",version=\"1\"} 1", metrics); // only the kept request ran
    }

    [Fact]
    public async Task A_request_past_its_timeout_parameter_leaves_the_queue_unrun()
    {
        var clock = new ManualClock();
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])), time: clock);
        using (host.Hold("tiny"))
        {
            // Triton's "timeout": microseconds the request may wait. REST gives it as a JSON number, gRPC as an int64.
            var rest = Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([Image], new JsonObject { ["timeout"] = 500_000 }));
            var request = Requests.GrpcImages("tiny", [Image], raw: true);
            request.Parameters["timeout"] = new InferParameter { Int64Param = 2_000_000 };
            var grpc = host.Grpc.ModelInferAsync(request);
            await InferenceHost.Until(() => host.Waiting("tiny") == 2, "both requests are queued");
            await clock.WhenTimersAsync(2);

            clock.Advance(TimeSpan.FromMilliseconds(499));
            Assert.Equal(2, host.Waiting("tiny"));
            clock.Advance(TimeSpan.FromMilliseconds(1)); // the REST request's 0.5 s are up; the gRPC call's 2 s are not
            var (response, body) = await rest;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("waited longer than its \"timeout\" parameter (500 ms) and was not run", body.GetProperty("error").GetString());
            Assert.Equal(1, host.Waiting("tiny"));

            clock.Advance(TimeSpan.FromMilliseconds(1500));
            var e = await Assert.ThrowsAsync<RpcException>(() => grpc.ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
            Assert.Contains("(2000 ms)", e.Status.Detail);
            Assert.Equal(0, host.Waiting("tiny"));

            var (bad, badBody) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([Image], new JsonObject { ["timeout"] = "soon" }));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("\"timeout\" parameter must be a whole number of microseconds", badBody.GetProperty("error").GetString());
        }
        string metrics = await host.Http.GetStringAsync("metrics");
        Assert.Contains("vigil_inference_compute_seconds_count{model=\"tiny\",version=\"1\"} 0", metrics); // neither ran
    }

    [Fact]
    public async Task Monitoring_and_inference_share_one_process_by_default()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])), monitoring: true);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("v2/models/tiny/ready")).StatusCode);
        string metrics = await host.Http.GetStringAsync("metrics");
        Assert.Contains("vigil_points_ingested_total", metrics);

        await using var replica = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        Assert.Equal(HttpStatusCode.NotFound, (await replica.Http.GetAsync("api/status")).StatusCode); // --no-monitor: inference only
        Assert.Equal(HttpStatusCode.OK, (await replica.Http.GetAsync("v2/health/live")).StatusCode);
    }
}
