using System.Globalization;
using System.Text.Json;
using Vigil.Serving.Protocol;

namespace Vigil.Serving.Endpoints;

/// <summary>
/// The Open Inference Protocol over REST: <c>GET /v2</c>, <c>/v2/health/live</c>, <c>/v2/health/ready</c>,
/// <c>/v2/models/{name}[/versions/{v}]</c>, <c>.../ready</c> and <c>POST .../infer</c> (JSON, or Triton's binary tensor
/// extension). Errors are <c>{"error": "..."}</c> with 400, 404, 413 or 503 (with Retry-After for a full queue).
/// </summary>
public static class InferenceEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapInferenceEndpoints(this IEndpointRouteBuilder routes, ServingOptions options)
    {
        RouteGroupBuilder v2 = routes.MapGroup("/v2").WithTags("inference");
        v2.MapGet("", () => Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("name", InferenceService.ServerName);
            w.WriteString("version", InferenceService.ServerVersion);
            w.WriteStartArray("extensions");
            foreach (string e in InferenceService.Extensions) w.WriteStringValue(e);
            w.WriteEndArray();
            w.WriteEndObject();
        }));
        v2.MapGet("/health/live", () => Json(w => { w.WriteStartObject(); w.WriteBoolean("live", true); w.WriteEndObject(); }));
        v2.MapGet("/health/ready", (InferenceService service) => service.Ready
            ? Json(w => { w.WriteStartObject(); w.WriteBoolean("ready", true); w.WriteEndObject(); })
            : Error(new InferenceException(InferenceFailure.Unavailable, !service.Repository.Loaded ? "the server is still loading its models" : "not every model is ready: " + string.Join("; ",
                service.Repository.Models.Values.Where(m => !m.Ready).Select(m => m.Default is { } d ? Repository.ModelRepository.NotReady(d) : $"model '{m.Name}': {m.Error}")))));

        foreach (string prefix in new[] { "/models/{name}", "/models/{name}/versions/{version}" })
        {
            v2.MapGet(prefix, (InferenceService service, string name, string? version) => Answer(() =>
            {
                ModelMetadata metadata = service.Metadata(name, version);
                return Json(w => RestCodec.WriteMetadata(w, metadata));
            }));
            v2.MapGet(prefix + "/ready", (InferenceService service, string name, string? version) => Answer(() =>
            {
                var found = service.Repository.Find(name, version);
                if (!found.Ready) return Error(new InferenceException(InferenceFailure.Unavailable, Repository.ModelRepository.NotReady(found)));
                return Json(w => { w.WriteStartObject(); w.WriteString("name", name); w.WriteBoolean("ready", true); w.WriteEndObject(); });
            }));
            v2.MapPost(prefix + "/infer", (HttpContext context, InferenceService service, string name, string? version) => InferAsync(context, service, options, name, version));
        }
        return routes;
    }

    private static async Task<IResult> InferAsync(HttpContext context, InferenceService service, ServingOptions options, string name, string? version)
    {
        CancellationToken token = context.RequestAborted;
        try
        {
            long? jsonLength = null;
            if (context.Request.Headers[RestCodec.HeaderLength].FirstOrDefault() is { } header)
            {
                if (!long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                    throw InferenceException.Invalid($"{RestCodec.HeaderLength} must be a whole number of bytes, not \"{header}\"");
                jsonLength = n;
            }
            byte[] body = await RequestBodies.ReadAsync(context, options.MaxRequestBytes, token);
            InferRequest request = RestCodec.ReadRequest(body, jsonLength);
            InferResponse response = await service.InferAsync(name, version, request, token);
            (byte[] answer, int? length) = RestCodec.WriteResponse(response);
            if (length is { } json)
            {
                context.Response.Headers[RestCodec.HeaderLength] = json.ToString(CultureInfo.InvariantCulture);
                return Results.Bytes(answer, "application/octet-stream");
            }
            return Results.Bytes(answer, "application/json");
        }
        catch (InferenceException e)
        {
            return Error(e);
        }
    }

    private static IResult Answer(Func<IResult> answer)
    {
        try
        {
            return answer();
        }
        catch (InferenceException e)
        {
            return Error(e);
        }
    }

    /// <summary>The REST answer of a refusal.</summary>
    internal static IResult Error(InferenceException e)
    {
        int status = e.Failure switch
        {
            InferenceFailure.InvalidArgument => StatusCodes.Status400BadRequest,
            InferenceFailure.NotFound => StatusCodes.Status404NotFound,
            InferenceFailure.TooLarge => StatusCodes.Status413PayloadTooLarge,
            _ => StatusCodes.Status503ServiceUnavailable,
        };
        // The protocol's error body: {"error": "..."} and nothing else.
        IResult result = Json(w => { w.WriteStartObject(); w.WriteString("error", e.Message); w.WriteEndObject(); }, status);
        return e.RetryAfter is { } after ? new RetryAfterResult(result, after) : result;
    }

    private static IResult Json(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Core.Json.VigilJson.Options.Encoder })) write(writer);
        byte[] body = buffer.ToArray();
        return status == StatusCodes.Status200OK ? Results.Bytes(body, "application/json") : new StatusBytes(body, status);
    }

    private sealed class StatusBytes(byte[] body, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json";
            return httpContext.Response.Body.WriteAsync(body).AsTask();
        }
    }

    private sealed class RetryAfterResult(IResult inner, TimeSpan after) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
