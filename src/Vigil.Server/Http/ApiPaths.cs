namespace Vigil.Server.Http;

/// <summary>Which paths are the API's (data, control, the live stream) rather than the dashboard's pages and assets.</summary>
internal static class ApiPaths
{
    // "/v2" is the inference service's REST API; the dotted ones are gRPC services (inference, health, reflection).
    private static readonly string[] Prefixes = ["/api", "/ws", "/metrics", "/healthz", "/openapi", "/v2", "/inference.", "/grpc."];

    // Probes that hold no data, answered without the token like /healthz: the inference service's liveness and
    // readiness, over REST and the standard gRPC health service.
    private static readonly string[] OpenProbes = ["/healthz", "/v2/health/live", "/v2/health/ready", "/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch"];

    /// <summary>Whether <paramref name="path"/> belongs to the API: the dashboard's page fallback must never answer it.</summary>
    public static bool IsApi(PathString path) =>
        Prefixes.Any(prefix => prefix.EndsWith('.') ? (path.Value ?? "").StartsWith(prefix, StringComparison.Ordinal) : path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Whether a request to <paramref name="path"/> is answered without the token when the server requires one: the
    /// liveness and readiness probes, the sign-in route, and the dashboard's own files (they hold no data; the app asks for the token).
    /// </summary>
    public static bool IsOpen(PathString path) =>
        !IsApi(path)
        || OpenProbes.Any(probe => path.Equals(probe, StringComparison.OrdinalIgnoreCase))
        || path.Equals(SessionEndpointsPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>The dashboard's sign-in route.</summary>
    public const string SessionEndpointsPath = "/api/session";
}
