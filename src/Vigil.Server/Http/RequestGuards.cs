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
                await Refuse(context, StatusCodes.Status400BadRequest, GrpcInvalidArgument, badHost);
                return;
            }
            if (SameOriginGuard.Applies(context) && sameOrigin.Refusal(request) is { } crossSite)
            {
                await Refuse(context, StatusCodes.Status403Forbidden, GrpcPermissionDenied, crossSite);
                return;
            }
            if (token is not null && !ApiPaths.IsOpen(request.Path) && !token.Admits(request))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Refuse(context, StatusCodes.Status401Unauthorized, GrpcUnauthenticated, AccessToken.Refusal(request));
                return;
            }
            await next(context);
        });
    }

    private const int GrpcInvalidArgument = 3, GrpcPermissionDenied = 7, GrpcUnauthenticated = 16;

    /// <summary>Whether the request is a gRPC call (its refusals are gRPC statuses, which gRPC clients read, not JSON).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    // A gRPC client reads a refusal from a "trailers-only" answer: HTTP 200 with grpc-status and grpc-message headers.
    private static Task Refuse(HttpContext context, int httpStatus, int grpcStatus, string message)
    {
        if (!IsGrpc(context.Request)) return ApiError.Result(httpStatus, message).ExecuteAsync(context);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = grpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
