using System.Text.RegularExpressions;

namespace Vigil.Cli.Infrastructure;

/// <summary>
/// Parse error messages in a user's words: System.CommandLine names the .NET type a value failed to convert to
/// ("as expected type 'System.Nullable`1[System.Int32]'"), which says nothing to someone at a prompt.
/// </summary>
public static partial class ParseErrorText
{
    /// <summary><paramref name="message"/>, with a failed conversion said as what the option takes.</summary>
    public static string Friendly(string message)
    {
        Match m = Conversion().Match(message);
        return m.Success ? $"{m.Groups["option"].Value} takes {Kind(m.Groups["type"].Value)}, not '{m.Groups["value"].Value}'" : message;
    }

    private static string Kind(string type)
    {
        string inner = NullableOf().Match(type) is { Success: true } n ? n.Groups[1].Value : type;
        return inner switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" or "System.UInt32" or "System.UInt64" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a duration (e.g. 00:05:00)",
            _ => "a value of the form " + inner[(inner.LastIndexOf('.') + 1)..],
        };
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$")]
    private static partial Regex Conversion();

    [GeneratedRegex(@"^System\.Nullable`1\[(.+)\]$")]
    private static partial Regex NullableOf();
}
