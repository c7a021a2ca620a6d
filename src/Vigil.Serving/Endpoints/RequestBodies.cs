using Microsoft.AspNetCore.Http.Features;
using Vigil.Serving.Protocol;

namespace Vigil.Serving.Endpoints;

/// <summary>Reads inference bodies under the service's own limit (images are larger than monitoring's JSON).</summary>
internal static class RequestBodies
{
    /// <summary>The whole body, refused with <see cref="InferenceFailure.TooLarge"/> beyond <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]> ReadAsync(HttpContext context, long limit, CancellationToken token)
    {
        // Kestrel refuses a declared or streamed body over the limit on the first read, and closes the connection cleanly
        // after the answer (refusing before reading would leave the body unread, and the client might see a reset instead).
        Limit(context, limit);
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, token);
            if (buffer.Length > limit) throw TooLarge(limit);
            return buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit);
        }
    }

    /// <summary>Sets the limit for a route that reads the body itself (forms).</summary>
    public static void Limit(HttpContext context, long limit)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
    }

    public static InferenceException TooLarge(long limit) =>
        new(InferenceFailure.TooLarge, $"the request body is larger than the inference limit of {limit} bytes ({limit / (1024.0 * 1024):0.#} MiB; vigil serve --max-request-mb raises it)");
}
