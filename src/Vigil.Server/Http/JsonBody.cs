using System.Text.Json;

namespace Vigil.Server.Http;

/// <summary>
/// Reads a JSON request body with answers a client can act on: 413 when it is larger than the limit (Kestrel's
/// <c>MaxRequestBodySize</c>), 400 with the parser's reason (line, position, field) when it is not valid JSON for the
/// route, 415 when it is not JSON at all.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
            return (null, ApiError.Result(StatusCodes.Status415UnsupportedMediaType, $"the body must be JSON (Content-Type: application/json), not {type}"));
        try
        {
            T? value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, cancellationToken);
            return value is null ? (null, ApiError.Result(StatusCodes.Status400BadRequest, "the body is empty or null; send a JSON object")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, ApiError.Result(StatusCodes.Status400BadRequest, $"malformed JSON: {e.Message}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiError.Result(e.StatusCode, $"the body is larger than the limit of {request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes (MONITORING_MAX_BODY_BYTES)"));
        }
        catch (BadHttpRequestException e)
        {
            return (null, ApiError.Result(e.StatusCode, e.Message));
        }
    }
}
