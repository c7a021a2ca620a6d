using System.Net;

namespace Vigil.Server.Http;

/// <summary>
/// A server bound to loopback answers only requests that name a loopback host (<c>localhost</c>, <c>127.0.0.1</c>,
/// <c>[::1]</c>). A web page whose own domain is made to resolve to 127.0.0.1 (DNS rebinding) would otherwise be
/// "same-origin" with this server, read its runs and pass the cross-site checks.
/// </summary>
internal static class LoopbackHostGuard
{
    /// <summary>Why the request is refused, or null when its Host header names this machine's loopback.</summary>
    public static string? Refusal(HttpRequest request)
    {
        string host = request.Host.Host;
        if (IsLoopbackName(host)) return null;
        return $"the Host header '{request.Host}' does not name this server: bound to loopback, it answers only localhost, 127.0.0.1 or [::1] "
               + "(bind with --host/MONITORING_HOST and set MONITORING_TOKEN to serve other names)";
    }

    private static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
}
