using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;

namespace Vigil.Serving.Tests;

/// <summary>
/// The Open Inference Protocol against a real server: REST through HttpClient (JSON and Triton's binary extension) and
/// gRPC through a client generated from the same proto answer what <c>vigil detect</c> prints, and refuse wrong
/// requests with the protocol's statuses.
/// </summary>
[Collection(ServingCollection.Name)]
public class InferenceProtocolTests(ServingFixture fixture)
{
    private List<byte[]> ImageBytes() => fixture.Images.Select(File.ReadAllBytes).ToList();

    private void AssertMatchesDetect(IReadOnlyList<float> scores, IReadOnlyList<bool> anomalies, IReadOnlyList<string> classes)
    {
        Assert.Equal(fixture.Detected.Count, scores.Count);
        for (int i = 0; i < scores.Count; i++)
        {
            JsonElement row = fixture.Detected[i];
            Assert.Equal(row.GetProperty("anomaly_score").GetDouble(), scores[i], 1e-5);
            Assert.Equal(row.GetProperty("is_anomaly").GetBoolean(), anomalies[i]);
            Assert.Equal(row.GetProperty("predicted_class_name").GetString(), classes[i]);
        }
    }

    private static JsonElement Output(JsonElement body, string name) =>
        body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Rest_json_infer_answers_what_vigil_detect_prints()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        var (response, body) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson(ImageBytes()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tiny", body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal("req-1", body.GetProperty("id").GetString());
        AssertMatchesDetect(
            Output(body, "anomaly_score").GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToList(),
            Output(body, "is_anomaly").GetProperty("data").EnumerateArray().Select(e => e.GetBoolean()).ToList(),
            Output(body, "predicted_class").GetProperty("data").EnumerateArray().Select(e => e.GetString()!).ToList());
        JsonElement probabilities = Output(body, "class_probabilities");
        Assert.Equal([fixture.Images.Count, 4], probabilities.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        var p = probabilities.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToList();
        for (int i = 0; i < fixture.Images.Count; i++)
            Assert.Equal(fixture.Detected[i].GetProperty("confidence").GetDouble(), p.Skip(i * 4).Take(4).Max(), 1e-5);
        Assert.DoesNotContain(body.GetProperty("outputs").EnumerateArray(), o => o.GetProperty("name").GetString() == "error_map"); // only when asked
    }

    [Fact]
    public async Task Rest_binary_extension_carries_raw_images_and_outputs()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        var response = await host.Http.PostAsync("v2/models/tiny/infer", Requests.BinaryImages(ImageBytes()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        int jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
        JsonElement header = JsonDocument.Parse(body.AsMemory(0, jsonLength)).RootElement;
        int at = jsonLength;
        var raw = new Dictionary<string, byte[]>();
        foreach (JsonElement output in header.GetProperty("outputs").EnumerateArray())
        {
            Assert.False(output.TryGetProperty("data", out _));
            int size = output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32();
            raw[output.GetProperty("name").GetString()!] = body.AsSpan(at, size).ToArray();
            at += size;
        }
        Assert.Equal(body.Length, at);
        AssertMatchesDetect(Requests.Floats(raw["anomaly_score"]), raw["is_anomaly"].Select(b => b == 1).ToList(),
            Requests.Elements(raw["predicted_class"]).Select(e => Encoding.UTF8.GetString(e)).ToList());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Grpc_infer_answers_what_vigil_detect_prints(bool raw)
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        ModelInferResponse response = await host.Grpc.ModelInferAsync(Requests.GrpcImages("tiny", ImageBytes(), raw));

        Assert.Equal("tiny", response.ModelName);
        Assert.Equal("g-1", response.Id);
        int Index(string name) => response.Outputs.ToList().FindIndex(o => o.Name == name);
        Assert.Equal(response.Outputs.Count, response.RawOutputContents.Count);
        Assert.Equal(new long[] { fixture.Images.Count }, response.Outputs[Index("anomaly_score")].Shape);
        AssertMatchesDetect(Requests.Floats(response.RawOutputContents[Index("anomaly_score")].Span),
            response.RawOutputContents[Index("is_anomaly")].Select(b => b == 1).ToList(),
            Requests.Elements(response.RawOutputContents[Index("predicted_class")].Span).Select(e => Encoding.UTF8.GetString(e)).ToList());
    }

    [Fact]
    public async Task Pixels_are_read_as_the_files_they_came_from()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        var registry = Imaging.ImageReaderRegistry.CreateDefault();
        var frames = fixture.Images.Select(p => registry.Read(p, Imaging.ImageReadOptions.Default).Single().Frame).ToList();
        Assert.All(frames, f => Assert.Equal((1, 8), (f.Channels, f.BitDepth)));
        int h = frames[0].Height, w = frames[0].Width;
        Assert.All(frames, f => Assert.Equal((h, w), (f.Height, f.Width)));
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "pixels", Datatype = "UINT8", Shape = { frames.Count, 1, h, w } };
        var request = new ModelInferRequest { ModelName = "tiny", Inputs = { input } };
        request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(frames.SelectMany(f => f.Data).ToArray()));

        ModelInferResponse response = await host.Grpc.ModelInferAsync(request);

        var scores = Requests.Floats(response.RawOutputContents[response.Outputs.ToList().FindIndex(o => o.Name == "anomaly_score")].Span);
        for (int i = 0; i < frames.Count; i++) Assert.Equal(fixture.Detected[i].GetProperty("anomaly_score").GetDouble(), scores[i], 1e-5);
    }

    [Fact]
    public async Task The_threshold_parameter_decides_and_error_maps_come_when_asked()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        var outputs = new JsonArray(new JsonObject { ["name"] = "is_anomaly" }, new JsonObject { ["name"] = "error_map" });
        var (allFlagged, body) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer",
            Requests.ImagesJson(ImageBytes().Take(2), new JsonObject { ["threshold"] = 0.0 }, outputs));
        Assert.Equal(HttpStatusCode.OK, allFlagged.StatusCode);
        Assert.Equal(2, body.GetProperty("outputs").GetArrayLength());
        Assert.All(Output(body, "is_anomaly").GetProperty("data").EnumerateArray(), e => Assert.True(e.GetBoolean()));
        foreach (JsonElement map in Output(body, "error_map").GetProperty("data").EnumerateArray())
        {
            byte[] png = Convert.FromBase64String(map.GetString()!);
            Assert.Equal((byte)0x89, png[0]);
            var frame = Imaging.Png.PngDecoder.Decode(png);
            Assert.Equal((32, 32), (frame.Width, frame.Height));
        }

        var (refused, error) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson(ImageBytes().Take(1), new JsonObject { ["threshold"] = 1.5 }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("threshold", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Metadata_health_reflection_and_the_grpc_health_service_answer()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [1, 3])));
        var (server, serverBody) = await Requests.GetAsync(host.Http, "v2");
        Assert.Equal(HttpStatusCode.OK, server.StatusCode);
        Assert.Equal("vigil", serverBody.GetProperty("name").GetString());
        Assert.Contains("binary_tensor_data", serverBody.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("v2/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("v2/models/tiny/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("v2/models/tiny/versions/1/ready")).StatusCode);

        var (_, model) = await Requests.GetAsync(host.Http, "v2/models/tiny");
        Assert.Equal(["1", "3"], model.GetProperty("versions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["image", "pixels"], model.GetProperty("inputs").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        Assert.Equal(["anomaly_score", "is_anomaly", "predicted_class", "class_probabilities", "error_map"],
            model.GetProperty("outputs").EnumerateArray().Select(e => e.GetProperty("name").GetString()));

        Assert.True((await host.Grpc.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await host.Grpc.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.True((await host.Grpc.ModelReadyAsync(new ModelReadyRequest { Name = "tiny", Version = "3" })).Ready);
        var metadata = await host.Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "tiny" });
        Assert.Equal(["1", "3"], metadata.Versions);
        Assert.Equal([-1L, 4], metadata.Outputs.Single(o => o.Name == "class_probabilities").Shape);
        Assert.Equal("8", metadata.Properties["max_batch_size"]);
        var serverMetadata = await host.Grpc.ServerMetadataAsync(new ServerMetadataRequest());
        Assert.Equal("vigil", serverMetadata.Name);

        // A request without a version is served by the highest.
        var answer = await host.Grpc.ModelInferAsync(Requests.GrpcImages("tiny", ImageBytes().Take(1), raw: true));
        Assert.Equal("3", answer.ModelVersion);

        var health = new Grpc.Health.V1.Health.HealthClient(host.Channel);
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest())).Status);

        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(host.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains("inference.GRPCInferenceService", call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public async Task An_unknown_model_or_version_is_404_and_NOT_FOUND()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        foreach (string path in new[] { "v2/models/nope", "v2/models/nope/ready", "v2/models/tiny/versions/7", "v2/models/tiny/versions/x/ready" })
        {
            var (response, body) = await Requests.GetAsync(host.Http, path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(["error"], body.EnumerateObject().Select(p => p.Name)); // the protocol's error body
        }
        var (infer, _) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/versions/2/infer", Requests.ImagesJson(ImageBytes().Take(1)));
        Assert.Equal(HttpStatusCode.NotFound, infer.StatusCode);

        var e = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.ModelInferAsync(Requests.GrpcImages("nope", ImageBytes().Take(1), raw: false)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains("tiny", e.Status.Detail); // names the models there are
        e = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "tiny", Version = "9" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task A_wrong_datatype_or_shape_is_400_and_INVALID_ARGUMENT()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        JsonObject Bad(string name, string datatype, JsonArray shape, JsonArray data) => new()
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = name, ["datatype"] = datatype, ["shape"] = shape, ["data"] = data }),
        };
        var cases = new (JsonObject Body, string Says)[]
        {
            (Bad("image", "FP32", [1], [0.5]), "must be BYTES"),
            (Bad("image", "BYTES", [2], ["aGk="]), "declares shape [2]"),
            (Bad("pixels", "UINT8", [1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]), "C 1 or 3"),
            (Bad("pixels", "UINT8", [1, 1, 2, 2], [1, 2, 3]), "holds 3"),
            (Bad("pixels", "INT64", [1, 1, 1, 1], [1]), "UINT8"),
            (Bad("scan", "BYTES", [1], ["aGk="]), "no input \"scan\""),
            (Bad("image", "BYTES", [1], ["not base64!"]), "base64"),
        };
        foreach (var (body, says) in cases)
        {
            var (response, error) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(says, error.GetProperty("error").GetString());
        }
        var (notJson, notJsonError) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", JsonValue.Create("just a string")!);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.DoesNotContain("System.", notJsonError.GetProperty("error").GetString());

        var request = new ModelInferRequest { ModelName = "tiny" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "pixels", Datatype = "FP32", Shape = { 1, 1, 4 } });
        var e = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.ModelInferAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("[N, C, H, W]", e.Status.Detail);
    }

    [Fact]
    public async Task A_corrupt_image_fails_its_own_request_and_the_server_keeps_serving()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        byte[] good = File.ReadAllBytes(fixture.Images[0]);
        byte[] truncated = good[..(good.Length / 2)];
        byte[] garbage = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4, 5];

        var corrupt = Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([good, truncated]));
        var healthy = Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([good]));
        var (bad, error) = await corrupt;
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("image 1 could not be read", error.GetProperty("error").GetString());
        Assert.DoesNotContain("/tmp", error.GetProperty("error").GetString()); // the client's terms, not the server's files
        Assert.Equal(HttpStatusCode.OK, (await healthy).Response.StatusCode); // batched with it or not, the other request is answered

        var e = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.ModelInferAsync(Requests.GrpcImages("tiny", [garbage], raw: true)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("image 0", e.Status.Detail);
        var after = await host.Grpc.ModelInferAsync(Requests.GrpcImages("tiny", [good], raw: true));
        Assert.Equal("tiny", after.ModelName);
    }

    [Fact]
    public async Task Api_detect_takes_multipart_files_and_answers_as_vigil_detect_json()
    {
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        using var form = new MultipartFormDataContent();
        foreach (string image in fixture.Images) form.Add(new ByteArrayContent(File.ReadAllBytes(image)), "file", Path.GetFileName(image));
        form.Add(new ByteArrayContent([1, 2, 3]), "file", "broken.png");

        var response = await host.Http.PostAsync("api/detect", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal(fixture.Images.Count + 1, rows.Count);
        for (int i = 0; i < fixture.Images.Count; i++)
        {
            JsonElement expected = fixture.Detected[i];
            Assert.Equal(expected.EnumerateObject().Select(p => p.Name), rows[i].EnumerateObject().Select(p => p.Name)); // the same fields, in order
            Assert.Equal(Path.GetFileName(fixture.Images[i]), rows[i].GetProperty("path").GetString());
            foreach (string key in new[] { "anomaly_score", "confidence", "supervised_score", "reconstruction_score" })
                Assert.Equal(expected.GetProperty(key).GetDouble(), rows[i].GetProperty(key).GetDouble(), 1e-5);
            Assert.Equal(expected.GetProperty("is_anomaly").GetBoolean(), rows[i].GetProperty("is_anomaly").GetBoolean());
        }
        Assert.Equal("broken.png", rows[^1].GetProperty("path").GetString());
        Assert.Contains("not a PNG", rows[^1].GetProperty("error").GetString());

        using var again = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(fixture.Images[1])), "file", "scan.png" } };
        var flagged = JsonDocument.Parse(await (await host.Http.PostAsync("api/detect?model=tiny&threshold=0", again)).Content.ReadAsStringAsync()).RootElement;
        Assert.True(flagged[0].GetProperty("is_anomaly").GetBoolean());
        Assert.Contains("vigil_inference_requests_total{model=\"tiny\",version=\"1\"} 2", await host.Http.GetStringAsync("metrics"));
    }

    [Fact]
    public async Task A_volume_needs_the_slice_parameter_and_answers_as_vigil_detect_for_that_slice()
    {
        const string volume = "/usr/share/mricron/templates/ch2.nii.gz"; // Debian's mricron-data (scripts/common.sh installs it for the tests)
        Assert.True(File.Exists(volume), "install mricron-data (./test.sh does)");
        var detect = Cli.Tests.VigilProcess.Run(fixture.Dir.Path, "detect", "--model", fixture.Model, volume, "--format", "json");
        JsonElement expected = JsonDocument.Parse(detect.Stdout).RootElement.EnumerateArray().Single(r => r.GetProperty("image").GetString() == "axial-041");
        await using var host = await InferenceHost.StartAsync(fixture.Repository(("tiny", [])));
        byte[] bytes = File.ReadAllBytes(volume);

        var (whole, error) = await Requests.PostJsonAsync(host.Http, "v2/models/tiny/infer", Requests.ImagesJson([bytes]));
        Assert.Equal(HttpStatusCode.BadRequest, whole.StatusCode);
        Assert.Contains("\"slice\"", error.GetProperty("error").GetString());

        foreach (object slice in new object[] { 41L, "axial-041" })
        {
            var request = Requests.GrpcImages("tiny", [bytes], raw: true);
            request.Inputs[0].Parameters["slice"] = slice is long n ? new InferParameter { Int64Param = n } : new InferParameter { StringParam = (string)slice };
            ModelInferResponse response = await host.Grpc.ModelInferAsync(request);
            float score = Requests.Floats(response.RawOutputContents[response.Outputs.ToList().FindIndex(o => o.Name == "anomaly_score")].Span)[0];
            Assert.Equal(expected.GetProperty("anomaly_score").GetDouble(), score, 1e-5);
        }
        var missing = Requests.GrpcImages("tiny", [bytes], raw: true);
        missing.Inputs[0].Parameters["slice"] = new InferParameter { Int64Param = 9999 };
        var e = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.ModelInferAsync(missing).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("no slice 9999", e.Status.Detail);
    }
}
