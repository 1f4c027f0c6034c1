using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace ReSTEM.Model;

/// <summary>
/// Splits text with a tokenizer's pre-tokenizer regex the way Hugging Face's tokenizers do, one
/// code point at a time. .NET's <see cref="Regex"/> sees UTF-16 code units, so a character outside
/// the Basic Multilingual Plane is two surrogates of category Cs: "𝟙" (a digit) is not <c>\p{N}</c> and
/// "😀" cannot be the one optional symbol in front of a letter run. Such a character is matched as a
/// stand-in of its own class (a letter, a digit, or another symbol), and the pieces are mapped back.
/// </summary>
internal sealed class CodePointRegexPreTokenizer(Regex regex) : PreTokenizer
{
    /// <inheritdoc />
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text);

    /// <inheritdoc />
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

    private List<(int Offset, int Length)> Split(string text)
    {
        var pieces = new List<(int, int)>();
        if (text.Length == 0) return pieces;
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            foreach (var m in regex.EnumerateMatches(text)) pieces.Add((m.Index, m.Length));
            return pieces;
        }
        // start[i]: where the i-th character of the stand-in text begins in the original.
        var shadow = new StringBuilder(text.Length);
        var start = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            start.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                shadow.Append(StandIn(char.ConvertToUtf32(text[i], text[i + 1])));
                i++;
            }
            else shadow.Append(text[i]);
        }
        start.Add(text.Length);
        foreach (var m in regex.EnumerateMatches(shadow.ToString()))
            pieces.Add((start[m.Index], start[m.Index + m.Length] - start[m.Index]));
        return pieces;
    }

    // Outside the BMP there is no whitespace, no line break and no ASCII, so these three classes
    // are all the pre-tokenizer patterns tell apart ('x' and '#' appear in none of their literals).
    private static char StandIn(int codePoint) => CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => 'x',
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => '0',
        _ => '#',
    };
}
