namespace Vigil.Server.Http;

/// <summary>
/// Refuses browser requests from other sites that would change state, and cross-site WebSocket upgrades (which would
/// read the live stream): cross-site request forgery and WebSocket hijacking. After OWASP's CSRF cheat sheet: Fetch
/// Metadata (<c>Sec-Fetch-Site</c>) first, then <c>Origin</c> against the server's own origin and
/// <c>MONITORING_CORS_ORIGINS</c>. A request carrying neither header does not come from a browser (curl, a trainer's
/// client), so no page can have sent it, and it passes.
/// </summary>
internal sealed class SameOriginGuard(IReadOnlyList<string> allowedOrigins)
{
    private readonly HashSet<string> _allowed = allowedOrigins.Select(Normalise).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether the request could change state or open the live stream: anything but GET/HEAD/OPTIONS, or a WebSocket upgrade.</summary>
    public static bool Applies(HttpContext context) =>
        // The header, not context.WebSockets: the guard runs before the WebSocket middleware marks the request.
        context.Request.Headers.Upgrade.Any(u => u is not null && u.Contains("websocket", StringComparison.OrdinalIgnoreCase))
        || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method));

    /// <summary>Why the request is refused, or null when it may go on.</summary>
    public string? Refusal(HttpRequest request)
    {
        string? origin = request.Headers.Origin.FirstOrDefault();
        string? site = request.Headers["Sec-Fetch-Site"].FirstOrDefault();
        bool allowedOrigin = origin is not null && (IsOwnOrigin(origin, request) || _allowed.Contains(Normalise(origin)));
        // "none" is a navigation the user made themselves (typed, bookmarked); "same-origin" is this server's own page.
        if (site is "same-origin" or "none" && (origin is null || allowedOrigin)) return null;
        if (site is null && origin is null) return null;
        if (allowedOrigin) return null;
        string from = origin ?? $"a {site} page";
        return $"refused a request from {from}: this server accepts changes and live streams only from its own pages ({request.Scheme}://{request.Host})"
               + (_allowed.Count > 0 ? $" and the origins in MONITORING_CORS_ORIGINS ({string.Join(", ", _allowed)})" : "; add the site to MONITORING_CORS_ORIGINS to allow it");
    }

    private static bool IsOwnOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Authority, Authority(request), StringComparison.OrdinalIgnoreCase);

    // The Host header with the scheme's default port left out, as an Origin writes it.
    private static string Authority(HttpRequest request)
    {
        HostString host = request.Host;
        bool defaultPort = host.Port is null || (request.IsHttps ? host.Port == 443 : host.Port == 80);
        return defaultPort ? host.Host : $"{host.Host}:{host.Port}";
    }

    private static string Normalise(string origin) =>
        Uri.TryCreate(origin.Trim(), UriKind.Absolute, out Uri? uri) ? $"{uri.Scheme}://{uri.Authority}".ToLowerInvariant() : origin.Trim().ToLowerInvariant();
}
