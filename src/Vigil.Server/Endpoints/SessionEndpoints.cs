using Vigil.Monitoring;
using Vigil.Monitoring.Configuration;
using Vigil.Server.Http;

namespace Vigil.Server.Endpoints;

/// <summary>
/// <c>/api/session</c>: how the dashboard signs in when the server needs its token (off loopback). A browser cannot
/// put an <c>Authorization</c> header on a WebSocket or a page load, so the token, checked once, becomes an HttpOnly,
/// SameSite=Strict cookie holding an HMAC of it (never the token itself); a new token ends every session.
/// </summary>
public static class SessionEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder routes, MonitoringOptions options)
    {
        AccessToken? token = options.TokenRequired ? new AccessToken(options.Token!) : null;
        RouteGroupBuilder group = routes.MapGroup(ApiPaths.SessionEndpointsPath).WithTags("session");
        group.MapGet("/", (HttpRequest request) => Results.Json(new SessionInfo(token is not null, token is null || token.Admits(request))))
            .WithName("GetSession").WithSummary("Whether this server needs its token, and whether this request carries it (header or session cookie).");
        group.MapPost("/", async (HttpRequest request, HttpResponse response, CancellationToken ct) =>
        {
            (SignInRequest? body, IResult? error) = await JsonBody.ReadAsync<SignInRequest>(request, MonitoringJson.Options, ct);
            if (error is not null) return error;
            if (token is null) return Results.Json(new SessionInfo(false, true));
            if (!token.Matches(body!.Token))
                return ApiError.Result(StatusCodes.Status401Unauthorized, "that is not this server's MONITORING_TOKEN");
            response.Cookies.Append(AccessToken.CookieName, token.SessionValue, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = request.IsHttps, Path = "/", IsEssential = true,
            });
            return Results.Json(new SessionInfo(true, true));
        }).WithName("SignIn").WithSummary("Checks {\"token\": …} and sets the dashboard's session cookie; 401 when the token is wrong.")
          .Accepts<SignInRequest>("application/json");
        group.MapDelete("/", (HttpResponse response) =>
        {
            response.Cookies.Delete(AccessToken.CookieName, new CookieOptions { Path = "/" });
            return Results.NoContent();
        }).WithName("SignOut").WithSummary("Ends the dashboard's session (removes the cookie).");
        return routes;
    }
}

/// <summary>The answer of <c>GET|POST /api/session</c>.</summary>
/// <param name="TokenRequired">Whether this server needs its token for the API and the live stream.</param>
/// <param name="SignedIn">Whether this request may use them (always true when no token is needed).</param>
public sealed record SessionInfo(bool TokenRequired, bool SignedIn);

/// <summary>The body of <c>POST /api/session</c>.</summary>
public sealed record SignInRequest
{
    /// <summary>The server's <c>MONITORING_TOKEN</c>.</summary>
    public string? Token { get; init; }
}
