namespace Vigil.Server.Http;

/// <summary>Which paths are the API's (data, control, the live stream) rather than the dashboard's pages and assets.</summary>
internal static class ApiPaths
{
    private static readonly string[] Prefixes = ["/api", "/ws", "/metrics", "/healthz", "/openapi"];

    /// <summary>Whether <paramref name="path"/> belongs to the API: the dashboard's page fallback must never answer it.</summary>
    public static bool IsApi(PathString path) => Prefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Whether a request to <paramref name="path"/> is answered without the token when the server requires one: the
    /// liveness probe, the sign-in route, and the dashboard's own files (they hold no data; the app asks for the token).
    /// </summary>
    public static bool IsOpen(PathString path) =>
        !IsApi(path)
        || path.Equals("/healthz", StringComparison.OrdinalIgnoreCase)
        || path.Equals(SessionEndpointsPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>The dashboard's sign-in route.</summary>
    public const string SessionEndpointsPath = "/api/session";
}
