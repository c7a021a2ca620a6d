using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Vigil.Server.Http;

/// <summary>
/// Reads a JSON request body with answers a client can act on: 415 unless the request says
/// <c>Content-Type: application/json</c> (a browser form cannot send that without a CORS preflight, one of the
/// cross-site defences), 413 when it is larger than the limit (Kestrel's <c>MaxRequestBodySize</c>), and 400 naming
/// the field, what it should be and what came (<see cref="JsonErrors"/>) when it does not fit the route.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        if (Refusal(request) is { } refusal) return (null, refusal);
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiError.Result(e.StatusCode, $"the body is larger than the limit of {request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes (MONITORING_MAX_BODY_BYTES)"));
        }
        if (body.Length == 0) return (null, ApiError.Result(StatusCodes.Status400BadRequest, "the body is empty; send a JSON object"));
        if (JsonText.FirstBrokenString(body) is { } broken)
            return (null, ApiError.Result(StatusCodes.Status400BadRequest,
                $"{(broken == "$" ? "a name" : $"\"{broken.TrimStart('$').TrimStart('.')}\"")} holds an escape that is not valid Unicode (a lone surrogate such as \\ud800); send whole characters"));
        try
        {
            T? value = JsonSerializer.Deserialize<T>(body, options);
            return value is null ? (null, ApiError.Result(StatusCodes.Status400BadRequest, "the body is null; send a JSON object")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, ApiError.Result(StatusCodes.Status400BadRequest, JsonErrors.Describe(e, typeof(T), options, body)));
        }
    }

    // application/json, or any +json type (application/merge-patch+json…); parameters such as charset are fine.
    private static IResult? Refusal(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.ContentType))
            return ApiError.Result(StatusCodes.Status415UnsupportedMediaType, "the request has no Content-Type; send the body as JSON with Content-Type: application/json");
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? type)
            && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
            return null;
        return ApiError.Result(StatusCodes.Status415UnsupportedMediaType, $"the body must be JSON with Content-Type: application/json, not {request.ContentType}");
    }
}
