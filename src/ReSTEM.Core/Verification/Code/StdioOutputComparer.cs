using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace ReSTEM.Core.Verification.Code;

/// <summary>
/// Compares a program's standard output with the expected output the way APPS-style judges
/// do: line by line after trimming each line, ignoring empty lines (as the APPS harness's
/// <c>filter(len, ...)</c> does) and CR/LF differences; within a line, whitespace-separated
/// tokens are equal when they are the same text or the same number read as an exact decimal
/// (<c>2.50</c> = <c>2.5</c>, <c>1e3</c> = <c>1000</c>), and non-integers may differ by the
/// float tolerance.
/// </summary>
public static partial class StdioOutputComparer
{
    /// <summary>True when <paramref name="actual"/> matches <paramref name="expected"/>.</summary>
    public static bool Matches(string actual, string expected, double floatTolerance = 1e-6) =>
        FirstDifference(actual, expected, floatTolerance) == null;

    /// <summary>A short description of the first difference, or null when the outputs match.</summary>
    public static string? FirstDifference(string actual, string expected, double floatTolerance = 1e-6)
    {
        var a = Lines(actual);
        var e = Lines(expected);
        for (var i = 0; i < Math.Max(a.Count, e.Count); i++)
        {
            if (i >= a.Count)
            {
                return $"output ended before line {i + 1} (expected '{Clip(e[i])}')";
            }
            if (i >= e.Count)
            {
                return $"extra output line {i + 1}: '{Clip(a[i])}'";
            }
            if (!LineMatches(a[i], e[i], floatTolerance))
            {
                return $"line {i + 1}: expected '{Clip(e[i])}', got '{Clip(a[i])}'";
            }
        }
        return null;
    }

    /// <summary>True when two tokens are the same number (exactly as decimals, or within the tolerance when either has a fraction or exponent).</summary>
    public static bool NumbersEqual(string a, string b, double floatTolerance)
    {
        if (!TryParseDecimal(a, out var x) || !TryParseDecimal(b, out var y))
        {
            return false;
        }
        if (x == y)
        {
            return true;
        }
        if (floatTolerance <= 0 || (IsInteger(a) && IsInteger(b)))
        {
            return false;
        }
        var da = double.Parse(a, NumberStyles.Float, CultureInfo.InvariantCulture);
        var db = double.Parse(b, NumberStyles.Float, CultureInfo.InvariantCulture);
        return Math.Abs(da - db) <= floatTolerance * Math.Max(1.0, Math.Abs(db));
    }

    private static List<string> Lines(string text)
    {
        var result = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0)
            {
                result.Add(trimmed);
            }
        }
        return result;
    }

    private static bool LineMatches(string a, string e, double floatTolerance)
    {
        if (a == e)
        {
            return true;
        }
        var ta = a.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var te = e.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (ta.Length != te.Length)
        {
            return false;
        }
        for (var j = 0; j < ta.Length; j++)
        {
            if (ta[j] != te[j] && !NumbersEqual(ta[j], te[j], floatTolerance))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsInteger(string token) => IntegerPattern().IsMatch(token);

    /// <summary>Reads a decimal literal as mantissa * 10^exponent, normalised (no trailing zeros in the mantissa).</summary>
    private static bool TryParseDecimal(string token, out (BigInteger Mantissa, int Exponent) value)
    {
        value = default;
        var match = DecimalPattern().Match(token);
        if (!match.Success)
        {
            return false;
        }
        var whole = match.Groups["whole"].Value;
        var fraction = match.Groups["fraction"].Value;
        if (whole.Length + fraction.Length == 0)
        {
            return false;
        }
        var exponent = 0;
        if (match.Groups["exp"].Success && !int.TryParse(match.Groups["exp"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            return false;
        }
        var mantissa = BigInteger.Parse("0" + whole + fraction, CultureInfo.InvariantCulture);
        exponent -= fraction.Length;
        if (mantissa.IsZero)
        {
            value = (BigInteger.Zero, 0);
            return true;
        }
        while (mantissa % 10 == 0)
        {
            mantissa /= 10;
            exponent++;
        }
        value = (match.Groups["sign"].Value == "-" ? -mantissa : mantissa, exponent);
        return true;
    }

    private static string Clip(string s) => s.Length <= 60 ? s : s[..57] + "...";

    [GeneratedRegex(@"^(?<sign>[+-]?)(?<whole>\d*)(?:\.(?<fraction>\d*))?(?:[eE](?<exp>[+-]?\d{1,6}))?$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex IntegerPattern();
}
