namespace ReSTEM.Core.Verification.MathAnswers;

/// <summary>
/// Answer checking of the Hendrycks MATH benchmark, ported rule for rule from the public
/// harness (<c>modeling/math_equivalence.py</c> and <c>dataset/util.py</c>, with the
/// <c>\boxed </c> and <c>\fbox</c> handling of lm-evaluation-harness's port): the last
/// <c>\boxed{...}</c> with nested braces, its content, and <c>_strip_string</c> with its
/// steps in their order. Where the Python code raises (an assert, an index past the end),
/// <see cref="IsEquiv"/> falls back to comparing the raw strings, as the original does.
/// </summary>
public static class HendrycksMath
{
    /// <summary>
    /// <c>last_boxed_only_string</c>: the last <c>\boxed{...}</c> (or, when there is none, the last
    /// <c>\fbox{...}</c>) including the command, braces balanced; a <c>\boxed 5</c> (space form)
    /// anywhere wins and runs to the next <c>$</c>. Null when there is none or it never closes.
    /// </summary>
    public static string? LastBoxedOnlyString(string text)
    {
        var idx = text.LastIndexOf("\\boxed", StringComparison.Ordinal);
        if (text.Contains("\\boxed ", StringComparison.Ordinal))
        {
            var parts = text.Split("\\boxed ");
            return "\\boxed " + parts[^1].Split('$')[0];
        }
        if (idx < 0)
        {
            idx = text.LastIndexOf("\\fbox", StringComparison.Ordinal);
            if (idx < 0)
            {
                return null;
            }
        }
        var open = 0;
        for (var i = idx; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                open++;
            }
            if (text[i] == '}')
            {
                open--;
                if (open == 0)
                {
                    return text[idx..(i + 1)];
                }
            }
        }
        return null;
    }

    /// <summary>
    /// <c>remove_boxed</c>: the content of <c>\boxed{...}</c>, <c>\fbox{...}</c> or <c>\boxed ...</c>;
    /// null when <paramref name="boxed"/> is not one of those (the original's failed assert).
    /// </summary>
    public static string? RemoveBoxed(string? boxed)
    {
        if (boxed == null)
        {
            return null;
        }
        if (boxed.Contains("\\boxed ", StringComparison.Ordinal))
        {
            return boxed.StartsWith("\\boxed ", StringComparison.Ordinal) ? boxed["\\boxed ".Length..] : null;
        }
        foreach (var left in new[] { "\\boxed{", "\\fbox{" })
        {
            if (boxed.StartsWith(left, StringComparison.Ordinal) && boxed.Length > left.Length && boxed[^1] == '}')
            {
                return boxed[left.Length..^1];
            }
        }
        return null;
    }

    /// <summary>The content of the last box in <paramref name="text"/>, or null.</summary>
    public static string? ExtractBoxed(string text) => RemoveBoxed(LastBoxedOnlyString(text));

    /// <summary>
    /// <c>_strip_string</c>; false where the Python code raises (then the harness compares raw strings).
    /// </summary>
    public static bool TryStripString(string text, out string stripped)
    {
        stripped = text;
        var s = text.Replace("\n", "", StringComparison.Ordinal);
        s = s.Replace("\\!", "", StringComparison.Ordinal);
        s = s.Replace("\\\\", "\\", StringComparison.Ordinal);
        s = s.Replace("tfrac", "frac", StringComparison.Ordinal);
        s = s.Replace("dfrac", "frac", StringComparison.Ordinal);
        s = s.Replace("\\left", "", StringComparison.Ordinal);
        s = s.Replace("\\right", "", StringComparison.Ordinal);
        s = s.Replace("^{\\circ}", "", StringComparison.Ordinal);
        s = s.Replace("^\\circ", "", StringComparison.Ordinal);
        s = s.Replace("\\$", "", StringComparison.Ordinal);
        if (!TryRemoveRightUnits(s, out s))
        {
            return false;
        }
        s = s.Replace("\\%", "", StringComparison.Ordinal);
        s = s.Replace("%", "", StringComparison.Ordinal);
        s = s.Replace(" .", " 0.", StringComparison.Ordinal);
        s = s.Replace("{.", "{0.", StringComparison.Ordinal);
        if (s.Length == 0)
        {
            stripped = s;
            return true;
        }
        if (s[0] == '.')
        {
            s = "0" + s;
        }
        var sides = s.Split('=');
        if (sides.Length == 2 && sides[0].Length <= 2)
        {
            s = sides[1];
        }
        if (!TryFixSqrt(s, out s))
        {
            return false;
        }
        s = s.Replace(" ", "", StringComparison.Ordinal);
        if (!TryFixFracs(s, out s))
        {
            return false;
        }
        if (s == "0.5")
        {
            s = "\\frac{1}{2}";
        }
        stripped = FixASlashB(s);
        return true;
    }

    /// <summary>
    /// <c>is_equiv</c>: both stripped strings equal; raw strings equal where stripping raises.
    /// Two nulls are equivalent (as in the original, which warns), one null is not.
    /// </summary>
    public static bool IsEquiv(string? a, string? b)
    {
        if (a == null || b == null)
        {
            return a == null && b == null;
        }
        if (TryStripString(a, out var sa) && TryStripString(b, out var sb))
        {
            return sa == sb;
        }
        return a == b;
    }

    /// <summary><c>_fix_fracs</c>: <c>\frac12</c> to <c>\frac{1}{2}</c>, <c>\frac1{72}</c> to <c>\frac{1}{72}</c>; false where the original raises.</summary>
    internal static bool TryFixFracs(string s, out string fixedText)
    {
        fixedText = s;
        var parts = s.Split("\\frac");
        var result = new System.Text.StringBuilder(parts[0]);
        for (var i = 1; i < parts.Length; i++)
        {
            var part = parts[i];
            result.Append("\\frac");
            if (part.Length == 0)
            {
                // substr[0] on an empty string: IndexError in the original.
                return false;
            }
            if (part[0] == '{')
            {
                result.Append(part);
                continue;
            }
            if (part.Length < 2)
            {
                // The original returns the input unchanged here.
                fixedText = s;
                return true;
            }
            var a = part[0];
            var b = part[1];
            if (b != '{')
            {
                result.Append('{').Append(a).Append("}{").Append(b).Append('}').Append(part[2..]);
            }
            else
            {
                result.Append('{').Append(a).Append('}').Append(b).Append(part[2..]);
            }
        }
        fixedText = result.ToString();
        return true;
    }

    /// <summary><c>_fix_a_slash_b</c>: <c>3/4</c> to <c>\frac{3}{4}</c> when both sides are plain integers.</summary>
    internal static string FixASlashB(string s)
    {
        var parts = s.Split('/');
        if (parts.Length != 2 || !IsCanonicalInteger(parts[0]) || !IsCanonicalInteger(parts[1]))
        {
            return s;
        }
        return "\\frac{" + parts[0] + "}{" + parts[1] + "}";
    }

    /// <summary><c>_remove_right_units</c>: drops everything from <c>\text{ </c> on; false when it occurs more than once (the original's assert).</summary>
    internal static bool TryRemoveRightUnits(string s, out string result)
    {
        result = s;
        if (!s.Contains("\\text{ ", StringComparison.Ordinal))
        {
            return true;
        }
        var parts = s.Split("\\text{ ");
        if (parts.Length != 2)
        {
            return false;
        }
        result = parts[0];
        return true;
    }

    /// <summary><c>_fix_sqrt</c>: <c>\sqrt3</c> to <c>\sqrt{3}</c>; false where the original raises (nothing after <c>\sqrt</c>).</summary>
    internal static bool TryFixSqrt(string s, out string result)
    {
        result = s;
        if (!s.Contains("\\sqrt", StringComparison.Ordinal))
        {
            return true;
        }
        var parts = s.Split("\\sqrt");
        var text = new System.Text.StringBuilder(parts[0]);
        for (var i = 1; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
            {
                return false;
            }
            if (part[0] != '{')
            {
                text.Append("\\sqrt{").Append(part[0]).Append('}').Append(part[1..]);
            }
            else
            {
                text.Append("\\sqrt").Append(part);
            }
        }
        result = text.ToString();
        return true;
    }

    // Python: int(a) succeeds and "{}/{}".format(a, b) reproduces the input, i.e. the text is
    // exactly how Python prints an int (no sign but '-', no leading zeros, no "-0").
    private static bool IsCanonicalInteger(string s)
    {
        if (s == "0")
        {
            return true;
        }
        var digits = s.StartsWith('-') ? s[1..] : s;
        return digits.Length > 0 && digits[0] != '0' && digits.All(char.IsAsciiDigit);
    }
}
