using System.Globalization;

namespace Vigil.Imaging.Numpy;

/// <summary>
/// Parses the Python dict literal of a .npy header: strings, True/False/None, integers (with Python 2's "L"),
/// tuples and lists. Nothing is evaluated; anything else is a <see cref="FormatException"/>.
/// </summary>
internal sealed class PythonLiteral
{
    private const int MaxDepth = 16;
    private readonly string _text;
    private int _pos;

    private PythonLiteral(string text) => _text = text;

    /// <summary>Parses "{'key': value, ...}" into a dictionary; tuples and lists become <c>List&lt;object&gt;</c>.</summary>
    public static Dictionary<string, object> ParseDict(string text)
    {
        var parser = new PythonLiteral(text);
        var value = parser.Value(0);
        parser.SkipSpace();
        if (parser._pos != text.Length) throw new FormatException($"unexpected text at offset {parser._pos}");
        return value as Dictionary<string, object> ?? throw new FormatException("header is not a dict");
    }

    private object Value(int depth)
    {
        if (depth > MaxDepth) throw new FormatException("nesting too deep");
        SkipSpace();
        if (_pos >= _text.Length) throw new FormatException("unexpected end");
        char c = _text[_pos];
        switch (c)
        {
            case '{': return Dict(depth);
            case '(': return Sequence(')', depth);
            case '[': return Sequence(']', depth);
            case '\'' or '"': return String();
        }
        if (c == '-' || char.IsAsciiDigit(c)) return Integer();
        if (Word("True")) return true;
        if (Word("False")) return false;
        if (Word("None")) return NoneValue;
        throw new FormatException($"unexpected '{c}' at offset {_pos}");
    }

    /// <summary>Stands for Python's None.</summary>
    public static readonly object NoneValue = new();

    private Dictionary<string, object> Dict(int depth)
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        _pos++; // {
        while (true)
        {
            SkipSpace();
            if (Take('}')) return result;
            if (Value(depth + 1) is not string key) throw new FormatException("dict key is not a string");
            SkipSpace();
            if (!Take(':')) throw new FormatException($"':' expected at offset {_pos}");
            result[key] = Value(depth + 1);
            SkipSpace();
            if (Take('}')) return result;
            if (!Take(',')) throw new FormatException($"',' expected at offset {_pos}");
        }
    }

    private List<object> Sequence(char close, int depth)
    {
        var items = new List<object>();
        _pos++; // ( or [
        while (true)
        {
            SkipSpace();
            if (Take(close)) return items;
            items.Add(Value(depth + 1));
            SkipSpace();
            if (Take(close)) return items;
            if (!Take(',')) throw new FormatException($"',' expected at offset {_pos}");
        }
    }

    private string String()
    {
        char quote = _text[_pos++];
        int start = _pos;
        while (_pos < _text.Length && _text[_pos] != quote)
        {
            if (_text[_pos] == '\\') throw new FormatException("escaped characters are not expected in a .npy header");
            _pos++;
        }
        if (_pos >= _text.Length) throw new FormatException("unterminated string");
        return _text[start.._pos++];
    }

    private long Integer()
    {
        int start = _pos;
        if (_text[_pos] == '-') _pos++;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        if (!long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw new FormatException($"bad integer at offset {start}");
        if (_pos < _text.Length && _text[_pos] is 'L' or 'l') _pos++; // Python 2 long
        return value;
    }

    private bool Word(string word)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0) return false;
        _pos += word.Length;
        return true;
    }

    private bool Take(char c)
    {
        if (_pos < _text.Length && _text[_pos] == c) { _pos++; return true; }
        return false;
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }
}
