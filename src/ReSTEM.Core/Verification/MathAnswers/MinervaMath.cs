using System.Text.RegularExpressions;

namespace ReSTEM.Core.Verification.MathAnswers;

/// <summary>
/// Answer normalisation of Minerva (Lewkowycz et al. 2022, appendix D), ported rule for rule
/// from lm-evaluation-harness's <c>minerva_math</c> task: <see cref="GetUnnormalizedAnswer"/>
/// finds "Final Answer: The final answer is X. I hope it is correct." and
/// <see cref="NormalizeFinalAnswer"/> applies <see cref="Substitutions"/>, then
/// <see cref="RemovedExpressions"/>, then the LaTeX unwrapping and shorthand fixes, in order.
/// (The harness then compares with sympy; <see cref="MathEquivalence"/> takes that role here.)
/// </summary>
public static partial class MinervaMath
{
    /// <summary>SUBSTITUTIONS, applied in order with plain string replacement.</summary>
    public static IReadOnlyList<(string Before, string After)> Substitutions { get; } =
    [
        ("an ", ""),
        ("a ", ""),
        (".$", "$"),
        ("\\$", ""),
        ("\\ ", ""),
        (" ", ""),
        ("mbox", "text"),
        (",\\text{and}", ","),
        ("\\text{and}", ","),
        ("\\text{m}", "\\text{}"),
    ];

    /// <summary>REMOVED_EXPRESSIONS, removed in order after the substitutions.</summary>
    public static IReadOnlyList<string> RemovedExpressions { get; } =
    [
        "square", "ways", "integers", "dollars", "mph", "inches", "ft", "hours", "km", "units",
        "\\ldots", "sue", "points", "feet", "minutes", "digits", "cents", "degrees", "cm", "gm",
        "pounds", "meters", "meals", "edges", "students", "childrentickets", "multiples",
        "\\text{s}", "\\text{.}", "\\text{\ns}", "\\text{}^2", "\\text{}^3", "\\text{\n}", "\\text{}",
        "\\mathrm{th}", "^\\circ", "^{\\circ}", "\\;", ",\\!", "{,}", "\"", "\\dots",
    ];

    /// <summary>
    /// <c>get_unnormalized_answer</c>: the text between "Final Answer: The final answer is" and
    /// ". I hope it is correct." (the sentence end is appended first, as the harness does), trimmed;
    /// null where the harness returns <c>[invalidanswer]</c>.
    /// </summary>
    public static string? GetUnnormalizedAnswer(string text)
    {
        var match = FinalAnswerPattern().Match(text + "I hope it is correct.");
        return match.Success ? match.Groups[1].Value.Trim() : null;
    }

    /// <summary><c>normalize_final_answer</c>.</summary>
    public static string NormalizeFinalAnswer(string finalAnswer)
    {
        var s = finalAnswer.Split('=')[^1];
        foreach (var (before, after) in Substitutions)
        {
            s = s.Replace(before, after, StringComparison.Ordinal);
        }
        foreach (var expression in RemovedExpressions)
        {
            s = s.Replace(expression, "", StringComparison.Ordinal);
        }
        s = DollarPattern().Replace(s, m => "$" + m.Groups[3].Value + "$");
        s = TextPattern().Replace(s, m => m.Groups[2].Value);
        s = TextbfPattern().Replace(s, m => m.Groups[2].Value);
        s = OverlinePattern().Replace(s, m => m.Groups[2].Value);
        s = BoxedPattern().Replace(s, m => m.Groups[2].Value);
        s = FracShorthandPattern().Replace(s, m => "frac{" + m.Groups[2].Value + "}{" + m.Groups[3].Value + "}");
        s = SqrtShorthandPattern().Replace(s, m => "sqrt{" + m.Groups[2].Value + "}");
        s = s.Replace("$", "", StringComparison.Ordinal);
        var withoutCommas = s.Replace(",", "", StringComparison.Ordinal);
        if (withoutCommas.Length > 0 && withoutCommas.All(IsPythonDigit))
        {
            s = withoutCommas;
        }
        return s;
    }

    // str.isdigit(): decimal digits of any script, and the super- and subscript digits.
    private static bool IsPythonDigit(char c) =>
        char.IsDigit(c) || c is '\u00B2' or '\u00B3' or '\u00B9' || c is >= '\u2070' and <= '\u2079' && c != '\u2071' && c != '\u2072' && c != '\u2073'
        || c is >= '\u2080' and <= '\u2089';

    [GeneratedRegex(@"Final Answer: The final answer is(.*?). I hope it is correct.")]
    private static partial Regex FinalAnswerPattern();

    [GeneratedRegex(@"(.*?)(\$)(.*?)(\$)(.*)")]
    private static partial Regex DollarPattern();

    [GeneratedRegex(@"(\\text\{)(.*?)(\})")]
    private static partial Regex TextPattern();

    [GeneratedRegex(@"(\\textbf\{)(.*?)(\})")]
    private static partial Regex TextbfPattern();

    [GeneratedRegex(@"(\\overline\{)(.*?)(\})")]
    private static partial Regex OverlinePattern();

    [GeneratedRegex(@"(\\boxed\{)(.*)(\})")]
    private static partial Regex BoxedPattern();

    [GeneratedRegex(@"(frac)([^{])(.)")]
    private static partial Regex FracShorthandPattern();

    [GeneratedRegex(@"(sqrt)([^{])")]
    private static partial Regex SqrtShorthandPattern();
}
