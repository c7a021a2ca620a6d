using System.Security.Cryptography;
using System.Text;

namespace Vigil.Server.Http;

/// <summary>
/// The server's secret (<c>MONITORING_TOKEN</c>) and the two ways a request may prove it knows it: an
/// <c>Authorization: Bearer</c> header (scripts, trainers, Prometheus), or the dashboard's session cookie, which
/// holds an HMAC of the token rather than the token, so a new token ends every old session. Comparisons are in
/// constant time.
/// </summary>
internal sealed class AccessToken
{
    /// <summary>The cookie the dashboard signs in with (<c>POST /api/session</c>).</summary>
    public const string CookieName = "vigil_session";

    private readonly byte[] _token;
    private readonly byte[] _session;

    public AccessToken(string token)
    {
        _token = Encoding.UTF8.GetBytes(token);
        _session = Encoding.ASCII.GetBytes(Convert.ToHexString(HMACSHA256.HashData(_token, "vigil dashboard session"u8)));
    }

    /// <summary>The session cookie's value.</summary>
    public string SessionValue => Encoding.ASCII.GetString(_session);

    /// <summary>Whether <paramref name="candidate"/> is the token.</summary>
    public bool Matches(string? candidate) => candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);

    /// <summary>Whether the request carries the token (header) or a session made with it (cookie).</summary>
    public bool Admits(HttpRequest request)
    {
        string? header = request.Headers.Authorization.FirstOrDefault();
        const string scheme = "Bearer ";
        if (header is not null && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return Matches(header[scheme.Length..].Trim());
        return request.Cookies.TryGetValue(CookieName, out string? cookie)
               && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookie), _session);
    }

    /// <summary>Why the request is refused, for the 401 answer.</summary>
    public static string Refusal(HttpRequest request) =>
        request.Headers.Authorization.Count == 0 && !request.Cookies.ContainsKey(CookieName)
            ? "this server needs its access token: send Authorization: Bearer <MONITORING_TOKEN>, or sign in on the dashboard"
            : "the access token is not this server's MONITORING_TOKEN (it may have been rotated; ask for the new one)";
}
