using System.Globalization;
using Npgsql;
using Vigil.Monitoring.Configuration;

namespace Vigil.Monitoring.Storage.Postgres;

/// <summary>
/// Turns a libpq-style URL, <c>postgres://user:password@host:port/database?sslmode=require</c>, into an Npgsql
/// connection string, and redacts URLs for messages. User, password and database are percent-decoded (a ':' in the
/// user name, or an '@' after the user info, must be written %3A, %40); the port defaults to 5432.
/// </summary>
public static class PostgresConnectionUrl
{
    /// <summary>The default PostgreSQL port.</summary>
    public const int DefaultPort = 5432;

    // libpq's query parameter names and the Npgsql keyword each maps to. Others are tried as Npgsql keywords.
    private static readonly Dictionary<string, string> LibpqNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["host"] = "Host", ["port"] = "Port", ["user"] = "Username", ["password"] = "Password", ["dbname"] = "Database",
        ["sslmode"] = "SSL Mode", ["sslrootcert"] = "Root Certificate", ["sslcert"] = "SSL Certificate", ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password", ["connect_timeout"] = "Timeout", ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes", ["options"] = "Options", ["search_path"] = "Search Path",
    };

    // Parameters whose values are secrets: never repeated in messages.
    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase) { "password", "sslpassword" };

    /// <summary>Whether <paramref name="text"/> is a <c>postgres://</c> or <c>postgresql://</c> URL.</summary>
    public static bool IsPostgresUrl(string? text) => SchemeLength(text) > 0;

    /// <summary>The Npgsql connection string for <paramref name="url"/> (pooling on, application name <c>vigil</c> unless given).</summary>
    /// <exception cref="MonitoringOptionsException">The URL is malformed; the message shows it with the password replaced by <c>***</c>.</exception>
    public static string ToConnectionString(string url)
    {
        int scheme = SchemeLength(url);
        if (scheme == 0) throw Invalid(url, "it does not start with postgres:// or postgresql://");
        var problems = new List<string>();
        var builder = new NpgsqlConnectionStringBuilder { ApplicationName = "vigil", Pooling = true };

        // The last '@' ends the user info, so a password with an unencoded '@', '?', '#' or '/' still parses (and is
        // never taken for a host, a port or a parameter that a message might repeat). An '@' after it must be %40.
        string rest = url[scheme..];
        int at = rest.LastIndexOf('@');
        string? userInfo = at >= 0 ? rest[..at] : null;
        string after = at >= 0 ? rest[(at + 1)..] : rest;
        int question = after.IndexOf('?', StringComparison.Ordinal);
        string query = question >= 0 ? after[(question + 1)..] : "";
        string location = question >= 0 ? after[..question] : after;
        int slash = location.IndexOf('/', StringComparison.Ordinal);
        string hosts = slash >= 0 ? location[..slash] : location;
        string database = slash >= 0 ? location[(slash + 1)..] : "";

        if (userInfo is not null)
        {
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            string user = Decode(colon >= 0 ? userInfo[..colon] : userInfo);
            if (user.Length > 0) builder.Username = user;
            if (colon >= 0) builder.Password = Decode(userInfo[(colon + 1)..]);
        }
        SetHosts(builder, hosts, problems);
        if (database.Length > 0) builder.Database = Decode(database);
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            ApplyParameter(builder, pair, problems);

        if (problems.Count > 0) throw Invalid(url, string.Join("; ", problems));
        return builder.ConnectionString;
    }

    /// <summary>
    /// <paramref name="url"/> with its password (in the user info or a <c>password=</c> parameter) replaced by <c>***</c>;
    /// anything that is not a PostgreSQL URL comes back unchanged.
    /// </summary>
    public static string Redact(string url)
    {
        int scheme = SchemeLength(url);
        if (scheme == 0) return url;
        // The same split as ToConnectionString: everything between the first ':' and the last '@' is the password.
        string rest = url[scheme..];
        int at = rest.LastIndexOf('@'), colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (at >= 0 && colon >= 0 && colon < at)
        {
            rest = rest[..colon] + ":***" + rest[at..];
            at = colon + ":***".Length;
        }
        int question = rest.IndexOf('?', Math.Max(0, at));
        string main = question >= 0 ? rest[..question] : rest, query = question >= 0 ? rest[question..] : "";
        if (query.Length > 0)
            query = "?" + string.Join('&', query[1..].Split('&').Select(pair =>
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                return equals > 0 && SecretNames.Contains(Decode(pair[..equals])) ? pair[..equals] + "=***" : pair;
            }));
        return url[..scheme] + main + query;
    }

    // "host", "host:port", "[::1]:port", or a comma-separated list of them (Npgsql tries them in turn).
    private static void SetHosts(NpgsqlConnectionStringBuilder builder, string text, List<string> problems)
    {
        var hosts = new List<(string Host, int Port)>();
        foreach (string entry in text.Split(','))
        {
            string host = entry;
            string? portText = null;
            if (entry.StartsWith('['))
            {
                int close = entry.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || (close + 1 < entry.Length && entry[close + 1] != ':'))
                {
                    problems.Add($"the host '{entry}' is not [address] or [address]:port");
                    continue;
                }
                host = entry[1..close];
                if (close + 1 < entry.Length) portText = entry[(close + 2)..];
            }
            else if (entry.LastIndexOf(':') is var colon and >= 0)
            {
                host = entry[..colon];
                portText = entry[(colon + 1)..];
            }
            int port = DefaultPort;
            if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            {
                problems.Add($"the port '{portText}' is not a number in 1..65535");
                continue;
            }
            host = Uri.UnescapeDataString(host);
            hosts.Add((host.Length == 0 ? "localhost" : host, port));
        }
        if (hosts.Count == 1)
        {
            builder.Host = hosts[0].Host;
            builder.Port = hosts[0].Port;
        }
        else if (hosts.Count > 1)
        {
            // Several hosts carry their ports inline, as Npgsql expects.
            builder.Host = string.Join(',', hosts.Select(h => h.Host.Contains(':', StringComparison.Ordinal) ? $"[{h.Host}]:{h.Port}" : $"{h.Host}:{h.Port}"));
        }
    }

    private static void ApplyParameter(NpgsqlConnectionStringBuilder builder, string pair, List<string> problems)
    {
        int equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0) { problems.Add($"the parameter '{pair}' is not name=value"); return; }
        string name = Decode(pair[..equals]);
        bool secret = SecretNames.Contains(name);
        string value = Decode(pair[(equals + 1)..]);
        // libpq's sslmode values are lower case with dashes (verify-full); Npgsql's enum names have neither.
        if (name.Equals("sslmode", StringComparison.OrdinalIgnoreCase)) value = value.Replace("-", "", StringComparison.Ordinal);
        string keyword = LibpqNames.GetValueOrDefault(name, name.Replace('_', ' '));
        try
        {
            builder[keyword] = value;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            problems.Add(secret ? $"the parameter {name} is not valid" : $"the parameter {name}={value} is not valid ({e.Message})");
        }
    }

    // Uri.UnescapeDataString leaves malformed escapes as they are, so decoding itself never fails.
    private static string Decode(string text) => Uri.UnescapeDataString(text);

    private static int SchemeLength(string? text)
    {
        if (text is null) return 0;
        foreach (string scheme in new[] { "postgres://", "postgresql://" })
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return scheme.Length;
        return 0;
    }

    private static MonitoringOptionsException Invalid(string url, string why) =>
        new([$"MONITORING_DB_PATH={Redact(url)} is not a usable PostgreSQL URL: {why}; the form is postgres://user:password@host:port/database (percent-encode special characters)"]);
}
