using System.Globalization;
using System.Numerics;
using System.Text;

namespace ReSTEM.Core.Verification.MathAnswers;

/// <summary>
/// An exact rational number (arbitrary precision), always in lowest terms with a positive
/// denominator, so equal values have equal fields. Used to compare answers such as
/// <c>0.5</c>, <c>1/2</c> and <c>\frac{2}{4}</c> exactly.
/// </summary>
public readonly struct Rational : IEquatable<Rational>, IComparable<Rational>
{
    private readonly BigInteger _denominator;

    /// <summary>Creates <paramref name="numerator"/> / <paramref name="denominator"/> in lowest terms.</summary>
    /// <exception cref="DivideByZeroException">The denominator is zero.</exception>
    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException("A rational number cannot have a zero denominator.");
        }
        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }
        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsOne && !gcd.IsZero)
        {
            numerator /= gcd;
            denominator /= gcd;
        }
        Numerator = numerator;
        _denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    /// <summary>The numerator (carries the sign).</summary>
    public BigInteger Numerator { get; }

    /// <summary>The denominator (positive; 1 for integers and for the default value 0).</summary>
    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    /// <summary>True for whole numbers.</summary>
    public bool IsInteger => Denominator.IsOne;

    /// <summary>A whole number.</summary>
    public static Rational FromInteger(BigInteger value) => new(value, BigInteger.One);

    /// <summary>
    /// Reads a plain decimal literal exactly: optional sign, digits with an optional fraction
    /// (<c>12</c>, <c>-0.25</c>, <c>.5</c>, <c>3.</c>) and an optional exponent (<c>1e-3</c>).
    /// No thousands separators, no spaces.
    /// </summary>
    public static bool TryParseDecimal(string text, out Rational value)
    {
        value = default;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        var digits = new StringBuilder();
        var fractionDigits = 0;
        var seenPoint = false;
        var i = 0;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= '0' and <= '9')
            {
                digits.Append(c);
                if (seenPoint)
                {
                    fractionDigits++;
                }
            }
            else if (c == '.' && !seenPoint)
            {
                seenPoint = true;
            }
            else
            {
                break;
            }
        }
        if (digits.Length == 0)
        {
            return false;
        }
        var exponent = 0;
        if (i < s.Length)
        {
            if ((s[i] != 'e' && s[i] != 'E') || !int.TryParse(s[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)
                || exponent is > 10000 or < -10000 || s[(i + 1)..].Length == 0)
            {
                return false;
            }
        }
        var mantissa = BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture);
        if (negative)
        {
            mantissa = -mantissa;
        }
        var scale = exponent - fractionDigits;
        value = scale >= 0
            ? new Rational(mantissa * BigInteger.Pow(10, scale), BigInteger.One)
            : new Rational(mantissa, BigInteger.Pow(10, -scale));
        return true;
    }

    /// <summary>The exact square root when both numerator and denominator are perfect squares.</summary>
    public bool TrySqrt(out Rational root)
    {
        root = default;
        if (Numerator.Sign < 0 || !TryIntegerSqrt(Numerator, out var n) || !TryIntegerSqrt(Denominator, out var d))
        {
            return false;
        }
        root = new Rational(n, d);
        return true;
    }

    /// <summary>The nearest double.</summary>
    public double ToDouble()
    {
        if (Numerator.GetBitLength() < 1000 && Denominator.GetBitLength() < 1000)
        {
            return (double)Numerator / (double)Denominator;
        }
        return Numerator.IsZero ? 0 : System.Math.Exp(BigInteger.Log(BigInteger.Abs(Numerator)) - BigInteger.Log(Denominator)) * Numerator.Sign;
    }

    /// <summary>Canonical text: <c>7</c>, <c>-0.25</c> for terminating decimals, else <c>p/q</c>.</summary>
    public override string ToString()
    {
        if (IsInteger)
        {
            return Numerator.ToString(CultureInfo.InvariantCulture);
        }
        // Terminating decimal when the denominator is 2^a 5^b.
        var d = Denominator;
        int twos = 0, fives = 0;
        while (d % 2 == 0)
        {
            d /= 2;
            twos++;
        }
        while (d % 5 == 0)
        {
            d /= 5;
            fives++;
        }
        if (!d.IsOne)
        {
            return Numerator.ToString(CultureInfo.InvariantCulture) + "/" + Denominator.ToString(CultureInfo.InvariantCulture);
        }
        var places = System.Math.Max(twos, fives);
        var scaled = BigInteger.Abs(Numerator) * BigInteger.Pow(10, places) / Denominator;
        var text = scaled.ToString(CultureInfo.InvariantCulture).PadLeft(places + 1, '0');
        return (Numerator.Sign < 0 ? "-" : "") + text[..^places] + "." + text[^places..];
    }

    /// <inheritdoc />
    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Rational other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    /// <inheritdoc />
    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    /// <summary>Equality.</summary>
    public static bool operator ==(Rational left, Rational right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Rational left, Rational right) => !left.Equals(right);

    /// <summary>Less than.</summary>
    public static bool operator <(Rational left, Rational right) => left.CompareTo(right) < 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(Rational left, Rational right) => left.CompareTo(right) > 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(Rational left, Rational right) => left.CompareTo(right) <= 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(Rational left, Rational right) => left.CompareTo(right) >= 0;

    /// <summary>Negation.</summary>
    public static Rational operator -(Rational value) => new(-value.Numerator, value.Denominator);

    /// <summary>Division.</summary>
    public static Rational operator /(Rational left, Rational right) => new(left.Numerator * right.Denominator, left.Denominator * right.Numerator);

    /// <summary>Multiplication.</summary>
    public static Rational operator *(Rational left, Rational right) => new(left.Numerator * right.Numerator, left.Denominator * right.Denominator);

    private static bool TryIntegerSqrt(BigInteger n, out BigInteger root)
    {
        root = BigInteger.Zero;
        if (n.Sign < 0)
        {
            return false;
        }
        if (n < 2)
        {
            root = n;
            return true;
        }
        // Newton's method from above converges to floor(sqrt(n)).
        var x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2);
        while (true)
        {
            var y = (x + n / x) / 2;
            if (y >= x)
            {
                break;
            }
            x = y;
        }
        root = x;
        return x * x == n;
    }
}
