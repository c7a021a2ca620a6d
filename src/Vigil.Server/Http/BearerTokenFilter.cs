using System.Security.Cryptography;
using System.Text;

namespace Vigil.Server.Http;

/// <summary>
/// Guards control and ingestion routes with <c>Authorization: Bearer $MONITORING_TOKEN</c> when the server requires it
/// (bound off loopback, or configured so). Constant-time comparison: the token is a secret.
/// </summary>
internal sealed class BearerTokenFilter(byte[] token) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        string? header = context.HttpContext.Request.Headers.Authorization;
        const string scheme = "Bearer ";
        bool ok = header is not null
            && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), token);
        if (ok) return await next(context);
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiError.Result(StatusCodes.Status401Unauthorized,
            header is null ? "this route needs Authorization: Bearer <MONITORING_TOKEN>" : "the bearer token is not the server's MONITORING_TOKEN");
    }
}

/// <summary>Applies <see cref="BearerTokenFilter"/> where the options ask for it.</summary>
internal static class BearerTokenExtensions
{
    public static RouteGroupBuilder RequireTokenIf(this RouteGroupBuilder group, bool required, string? token)
    {
        if (required) group.AddEndpointFilter(new BearerTokenFilter(Encoding.UTF8.GetBytes(token ?? throw new InvalidOperationException("a token is required but none is configured"))));
        return group;
    }
}
