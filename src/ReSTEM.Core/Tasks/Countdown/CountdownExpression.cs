using System.Globalization;

namespace ReSTEM.Core.Tasks.Countdown;

/// <summary>
/// An arithmetic expression over whole numbers with <c>+</c>, <c>-</c>, <c>*</c> and parentheses,
/// as a Countdown answer writes it (<c>(6-3)*7+2</c>). Usual precedence: <c>*</c> before
/// <c>+</c> and <c>-</c>, left to right. No unary minus, no division, no other characters
/// (spaces aside), so a parse never depends on anything but the text.
/// </summary>
public sealed class CountdownExpression
{
    private const int MaxLiteralDigits = 9;
    private const int MaxDepth = 64;

    private CountdownExpression(long value, IReadOnlyList<long> numbers, string compact)
    {
        Value = value;
        Numbers = numbers;
        Compact = compact;
    }

    /// <summary>The expression's value.</summary>
    public long Value { get; }

    /// <summary>The number literals, in the order they appear.</summary>
    public IReadOnlyList<long> Numbers { get; }

    /// <summary>The text without spaces.</summary>
    public string Compact { get; }

    /// <summary>Parses and evaluates <paramref name="text"/>; false with the reason when it is not such an expression.</summary>
    public static bool TryParse(string text, out CountdownExpression? expression, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var compact = string.Concat(text.Where(c => c != ' '));
        var parser = new Parser(compact);
        expression = null;
        try
        {
            var value = parser.Sum(0);
            if (parser.Position != compact.Length)
            {
                error = $"unexpected '{compact[parser.Position]}' at position {parser.Position + 1}";
                return false;
            }
            expression = new CountdownExpression(value, parser.Literals, compact);
            error = "";
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
        catch (OverflowException)
        {
            error = "the value overflows";
            return false;
        }
    }

    /// <summary>Recursive descent over the compact text; throws <see cref="FormatException"/> with the reason.</summary>
    private sealed class Parser(string text)
    {
        public int Position { get; private set; }

        public List<long> Literals { get; } = [];

        public long Sum(int depth)
        {
            var value = Product(depth);
            while (Position < text.Length && text[Position] is '+' or '-')
            {
                var op = text[Position++];
                var right = Product(depth);
                value = op == '+' ? checked(value + right) : checked(value - right);
            }
            return value;
        }

        private long Product(int depth)
        {
            var value = Factor(depth);
            while (Position < text.Length && text[Position] == '*')
            {
                Position++;
                value = checked(value * Factor(depth));
            }
            return value;
        }

        private long Factor(int depth)
        {
            if (Position >= text.Length) throw new FormatException("the expression ends where a number or '(' is expected");
            if (text[Position] == '(')
            {
                if (depth >= MaxDepth) throw new FormatException("parentheses nest too deep");
                Position++;
                var value = Sum(depth + 1);
                if (Position >= text.Length || text[Position] != ')') throw new FormatException("a '(' is not closed");
                Position++;
                return value;
            }
            var start = Position;
            while (Position < text.Length && char.IsAsciiDigit(text[Position])) Position++;
            if (Position == start) throw new FormatException($"unexpected '{text[Position]}' at position {Position + 1} where a number or '(' is expected");
            if (Position - start > MaxLiteralDigits) throw new FormatException($"the number {text[start..Position]} is too long");
            var literal = long.Parse(text.AsSpan(start, Position - start), NumberStyles.None, CultureInfo.InvariantCulture);
            Literals.Add(literal);
            return literal;
        }
    }
}
