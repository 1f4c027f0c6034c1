using System.Text;

namespace ReSTEM.Model;

/// <summary>
/// Looks for stop strings in one growing sequence while decoding only its newest tokens, so a
/// sequence of n tokens costs O(n) decoding in all instead of a whole decode per check.
/// <para>
/// Text is decoded in a short window of tokens (as vLLM and transformers' streamers do): the new
/// text is <c>Decode(window) </c> minus <c>Decode(the window's earlier tokens)</c>, so whatever a
/// window's start does to text (a character split across tokens, a stripped leading space)
/// appears in both and cancels. Text that ends in an unfinished character (U+FFFD) is held back
/// until the tokens that finish it arrive. Only the text a new stop could end in is searched.
/// </para>
/// <para>
/// Where a stop string is found, the sequence ends at the fewest tokens whose whole decoded
/// text holds it, found by decoding prefixes from the last point known to be free of stops:
/// exactly the rule of decoding every prefix, at a cost paid once per sequence.
/// </para>
/// </summary>
internal sealed class StopStringScan
{
    private readonly ITokenizer _tokenizer;
    private readonly IReadOnlyList<string> _stops;
    private readonly int _overlap;
    private readonly StringBuilder _text = new();
    private int _prefixOffset;
    private int _readOffset;
    private string _prefixText = "";
    private int _searchedChars;
    private int _clearTokens;

    /// <summary>A scan for <paramref name="stops"/> (none empty) over text decoded by <paramref name="tokenizer"/>.</summary>
    public StopStringScan(ITokenizer tokenizer, IReadOnlyList<string> stops)
    {
        if (stops.Count == 0) throw new ArgumentException("a stop-string scan needs at least one stop string", nameof(stops));
        if (stops.Any(string.IsNullOrEmpty)) throw new ArgumentException("stop strings must not be empty", nameof(stops));
        _tokenizer = tokenizer;
        _stops = stops;
        _overlap = stops.Max(s => s.Length) - 1;
    }

    /// <summary>Token decodes done so far (each over a short window, or a prefix once a stop is found).</summary>
    public int Decodes { get; private set; }

    /// <summary>Tokens decoded so far, summed over all decodes: linear in the sequence's length.</summary>
    public long DecodedTokens { get; private set; }

    /// <summary>Forgets the sequence: the slot starts a new one.</summary>
    public void Reset()
    {
        _text.Clear();
        _prefixOffset = 0;
        _readOffset = 0;
        _prefixText = "";
        _searchedChars = 0;
        _clearTokens = 0;
    }

    /// <summary>
    /// Takes in <paramref name="tokens"/>[0..<paramref name="textEnd"/>) (earlier calls saw a prefix of the
    /// same tokens). Returns the number of tokens at which the sequence ends on a stop string, with
    /// its text up to the stop in <paramref name="text"/>; null when no stop string has appeared yet.
    /// </summary>
    public int? Advance(IReadOnlyList<int> tokens, int textEnd, out string? text)
    {
        text = null;
        if (textEnd <= _readOffset) return null;
        var window = Decode(tokens, _prefixOffset, textEnd);
        if (window.Length <= _prefixText.Length || window[^1] == '\uFFFD') return null;
        _text.Append(window, _prefixText.Length, window.Length - _prefixText.Length);
        _prefixOffset = _readOffset;
        _readOffset = textEnd;
        _prefixText = Decode(tokens, _prefixOffset, _readOffset);

        var from = Math.Max(0, _searchedChars - _overlap);
        var found = FirstStop(_text, from);
        _searchedChars = _text.Length;
        if (found < 0)
        {
            // Every prefix up to here decodes to text the search saw complete (any unfinished
            // character at its end is held back, and no stop string holds U+FFFD).
            _clearTokens = _readOffset;
            return null;
        }

        for (var n = Math.Max(1, _clearTokens + 1); n <= textEnd; n++)
        {
            var prefix = Decode(tokens, 0, n);
            var at = FirstStop(prefix);
            if (at < 0) continue;
            text = prefix[..at];
            return n;
        }
        // The incremental text and the whole decode disagree (a tokenizer whose decoding is not
        // prefix-stable): the whole decode is the rule, and it holds no stop string yet.
        _clearTokens = textEnd;
        return null;
    }

    private string Decode(IReadOnlyList<int> tokens, int from, int to)
    {
        Decodes++;
        DecodedTokens += to - from;
        if (to <= from) return "";
        var ids = new int[to - from];
        for (var i = 0; i < ids.Length; i++) ids[i] = tokens[from + i];
        return _tokenizer.Decode(ids);
    }

    private int FirstStop(StringBuilder text, int from)
    {
        var tail = text.ToString(from, text.Length - from);
        var at = FirstStop(tail);
        return at < 0 ? -1 : from + at;
    }

    /// <summary>The earliest index in <paramref name="text"/> where any stop string starts, or -1.</summary>
    public int FirstStop(string text)
    {
        var best = -1;
        foreach (var stop in _stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best)) best = at;
        }
        return best;
    }
}
