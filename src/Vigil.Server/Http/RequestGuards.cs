using Vigil.Monitoring.Configuration;

namespace Vigil.Server.Http;

/// <summary>
/// The checks every request passes before an endpoint sees it, in order: a loopback-bound server answers only loopback
/// host names; state changes and WebSocket upgrades come only from this server's pages (or a configured origin); and,
/// when the token is required, every API route and <c>/ws</c> need it. Each refusal is an <see cref="ApiError"/> body.
/// </summary>
internal static class RequestGuards
{
    /// <summary>Adds the checks to the pipeline.</summary>
    public static void UseRequestGuards(this WebApplication app, MonitoringOptions options)
    {
        var sameOrigin = new SameOriginGuard(options.CorsOrigins);
        AccessToken? token = options.TokenRequired ? new AccessToken(options.Token!) : null;
        bool loopback = options.IsLoopback;
        app.Use(async (context, next) =>
        {
            HttpRequest request = context.Request;
            if (loopback && LoopbackHostGuard.Refusal(request) is { } badHost)
            {
                await ApiError.Result(StatusCodes.Status400BadRequest, badHost).ExecuteAsync(context);
                return;
            }
            if (SameOriginGuard.Applies(context) && sameOrigin.Refusal(request) is { } crossSite)
            {
                await ApiError.Result(StatusCodes.Status403Forbidden, crossSite).ExecuteAsync(context);
                return;
            }
            if (token is not null && !ApiPaths.IsOpen(request.Path) && !token.Admits(request))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await ApiError.Result(StatusCodes.Status401Unauthorized, AccessToken.Refusal(request)).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
    }
}
