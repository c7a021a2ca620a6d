using System.Globalization;

namespace Vigil.Server.Http;

/// <summary>Reads optional whole-number query parameters with a 400 that names the parameter, the value and the range.</summary>
internal static class QueryValues
{
    /// <summary>
    /// Reads <paramref name="name"/>: absent or empty gives null; a value that is not a whole number in
    /// [<paramref name="min"/>, <paramref name="max"/>] gives an error answer.
    /// </summary>
    public static bool TryLong(HttpRequest request, string name, long min, long max, out long? value, out IResult? error)
    {
        value = null;
        error = null;
        if (request.Query[name].FirstOrDefault() is not { Length: > 0 } text) return true;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed))
        {
            error = ApiError.Result(400, $"{name}={Shorten(text)} is not a whole number");
            return false;
        }
        if (parsed < min || parsed > max)
        {
            error = ApiError.Result(400, $"{name}={parsed} is out of range; use {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
            return false;
        }
        value = parsed;
        return true;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
