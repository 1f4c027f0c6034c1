using System.Text.RegularExpressions;

namespace ReSTEM.Core.Verification.MathAnswers;

/// <summary>
/// Final-answer extraction of GSM8K, ported from the public harnesses:
/// <list type="bullet">
/// <item><see cref="Extract"/>: OpenAI grade-school-math's <c>extract_answer</c>: the FIRST
/// match of <c>#### (\-?[0-9\.\,]+)</c>, stripped, commas removed.</item>
/// <item><see cref="ExtractLastNumber"/>: the common fallback (lm-evaluation-harness
/// "flexible-extract"): the LAST match of <c>(-?[$0-9.,]{2,})|(-?[0-9]+)</c>, then its
/// <c>regexes_to_ignore</c> (commas, dollar signs, a trailing period). Unlike lm-eval, a match
/// without any digit (an ellipsis "...") is skipped rather than taken.</item>
/// <item><see cref="ExtractStrict"/>: the built-in tasks' strict format <c>#### a</c> or
/// <c>#### a, b, ...</c>: the rest of the first <c>####</c> line must be numbers separated by
/// commas, nothing else.</item>
/// </list>
/// </summary>
public static partial class Gsm8kAnswer
{
    /// <summary>The answer after the first <c>#### </c> with commas removed, or null (the harness's <c>[invalid]</c>).</summary>
    public static string? Extract(string completion)
    {
        var match = AnswerPattern().Match(completion);
        return match.Success ? match.Groups[1].Value.Trim().Replace(",", "", StringComparison.Ordinal) : null;
    }

    /// <summary>The last number in the text, cleaned as lm-eval's GSM8K task cleans it, or null when there is none.</summary>
    public static string? ExtractLastNumber(string completion)
    {
        var matches = FlexiblePattern().Matches(completion);
        for (var i = matches.Count - 1; i >= 0; i--)
        {
            var text = matches[i].Value;
            if (!text.Any(char.IsAsciiDigit))
            {
                continue;
            }
            text = text.Replace(",", "", StringComparison.Ordinal).Replace("$", "", StringComparison.Ordinal);
            return text.EndsWith('.') ? text[..^1] : text;
        }
        return null;
    }

    /// <summary>
    /// The answers of a strict <c>####</c> line (<c>#### 7, 12</c> gives <c>["7", "12"]</c>), or
    /// null when there is no <c>####</c> or its line holds anything but comma-separated numbers.
    /// </summary>
    public static IReadOnlyList<string>? ExtractStrict(string completion)
    {
        var start = completion.IndexOf("####", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        var rest = completion[(start + 4)..];
        var end = rest.IndexOf('\n');
        var line = (end < 0 ? rest : rest[..end]).Trim();
        if (!StrictListPattern().IsMatch(line))
        {
            return null;
        }
        return line.Split(',').Select(part => part.Trim()).ToList();
    }

    [GeneratedRegex(@"#### (\-?[0-9\.\,]+)")]
    private static partial Regex AnswerPattern();

    [GeneratedRegex(@"(-?[$0-9.,]{2,})|(-?[0-9]+)")]
    private static partial Regex FlexiblePattern();

    [GeneratedRegex(@"^-?([0-9]+(\.[0-9]+)?|\.[0-9]+)( *, *-?([0-9]+(\.[0-9]+)?|\.[0-9]+))*$")]
    private static partial Regex StrictListPattern();
}
