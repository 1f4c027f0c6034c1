using System.Text;

namespace ReSTEM.Core.Verification.MathAnswers;

/// <summary>
/// One spelling for the many LaTeX spellings of the same answer. The answer is read as TeX
/// reads it, as tokens and brace groups (so <c>\frac12</c> has the arguments <c>1</c> and
/// <c>2</c>, and <c>\left</c> is never the start of <c>\leftarrow</c>), then rewritten:
/// <list type="bullet">
/// <item>white space, spacing commands (<c>\,</c> <c>\!</c> <c>\;</c> <c>\:</c> <c>\ </c>
/// <c>\quad</c> <c>~</c>), math-mode and escaped dollars, <c>\left</c>/<c>\right</c> and
/// <c>\displaystyle</c> go;</item>
/// <item><c>\dfrac</c>/<c>\tfrac</c> become <c>\frac</c>, <c>\mbox</c>/<c>\textrm</c> become
/// <c>\text</c>, <c>\%</c> becomes <c>%</c>;</item>
/// <item>degree marks (<c>^\circ</c>, <c>^{\circ}</c>, <c>°</c>) go;</item>
/// <item><c>{,}</c> between digit groups of three (<c>1{,}000</c>) goes;</item>
/// <item>arguments of <c>\frac</c>, <c>\sqrt</c> and <c>\text</c> are always braced, those of
/// <c>^</c> and <c>_</c> braced only when longer than one token (<c>x^{2}</c> is <c>x^2</c>);</item>
/// <item>a trailing unit (<c>5\text{ cm}^2</c>, <c>20\mbox{ dollars}</c>) and final period go;</item>
/// <item><c>a/b</c> becomes <c>\frac{a}{b}</c> where the reading is unambiguous (see
/// <see cref="SlashesToFractions"/>).</item>
/// </list>
/// The result is stable: normalising it again changes nothing.
/// </summary>
internal static class LatexSpelling
{
    /// <summary>Spacing commands: each stands for a space, which still keeps the words of a unit apart.</summary>
    private static readonly HashSet<string> Spacing = new(StringComparer.Ordinal)
    {
        "\\!", "\\,", "\\;", "\\:", "\\>", "\\ ", "~", "\\quad", "\\qquad",
    };

    /// <summary>Tokens that never change a value: math-mode and currency dollars, display style, degree signs.</summary>
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "$", "\\$", "\\displaystyle", "\\textstyle", "°", "\\degree",
    };

    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["\\dfrac"] = "\\frac",
        ["\\tfrac"] = "\\frac",
        ["\\mbox"] = "\\text",
        ["\\textrm"] = "\\text",
        ["\\textnormal"] = "\\text",
        ["\\%"] = "%",
    };

    /// <summary>Tokens that end a product, so <c>a/b</c> is looked for between them.</summary>
    private static readonly HashSet<string> TermBoundaries = new(StringComparer.Ordinal)
    {
        "+", "-", ",", "=", "<", ">", ";", ":", "|", "(", ")", "[", "]", "\\{", "\\}",
        "\\pm", "\\mp", "\\le", "\\leq", "\\ge", "\\geq", "\\ne", "\\neq", "\\cup", "\\cap", "\\to",
    };

    /// <summary>Control words that name a constant: a whole numerator or denominator by themselves.</summary>
    private static readonly HashSet<string> Constants = new(StringComparer.Ordinal)
    {
        "\\pi", "\\alpha", "\\beta", "\\gamma", "\\delta", "\\epsilon", "\\varepsilon", "\\zeta", "\\eta",
        "\\theta", "\\vartheta", "\\kappa", "\\lambda", "\\mu", "\\nu", "\\xi", "\\rho", "\\sigma", "\\tau",
        "\\phi", "\\varphi", "\\chi", "\\psi", "\\omega", "\\Gamma", "\\Delta", "\\Theta", "\\Lambda",
        "\\Sigma", "\\Phi", "\\Psi", "\\Omega",
    };

    /// <summary>
    /// Words that make trailing text part of the answer rather than its unit: "5 or more",
    /// "5 million" and "3 + 2i" must not read as 5, 5 and 3 + 2.
    /// </summary>
    private static readonly HashSet<string> NotUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "if", "then", "else", "otherwise", "when", "where", "for", "all", "any", "no", "none",
        "not", "only", "more", "less", "than", "at", "least", "most", "to", "from", "between", "is", "are",
        "hundred", "thousand", "million", "billion", "trillion", "dozen", "i", "e",
    };

    /// <summary>The one spelling of <paramref name="answer"/>.</summary>
    public static string Normalize(string answer)
    {
        var text = new StringBuilder(answer.Length);
        Write(Transform(Build(Respell(Tokenize(answer))), topLevel: true), text);
        return text.ToString();
    }

    private abstract record Node;

    private sealed record Token(string Text) : Node;

    /// <summary>A brace group; <paramref name="Source"/> is its text as written, word spaces kept, for reading units.</summary>
    private sealed record Group(IReadOnlyList<Node> Children, string Source) : Node;

    /// <summary>TeX's tokens: control words (<c>\frac</c>), control symbols (<c>\,</c>), characters; a run of white space is one " ".</summary>
    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var end = i + 1;
            if (char.IsWhiteSpace(text[i]))
            {
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }
                tokens.Add(" ");
            }
            else
            {
                if (text[i] == '\\' && end < text.Length)
                {
                    while (end < text.Length && char.IsAsciiLetter(text[end]))
                    {
                        end++;
                    }
                    end = end == i + 1 ? i + 2 : end;
                }
                tokens.Add(text[i..end]);
            }
            i = end;
        }
        return tokens;
    }

    private static List<string> Respell(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token is "\\left" or "\\right")
            {
                // "\left." is an invisible delimiter: the period goes with the command.
                var next = i + 1 < tokens.Count && tokens[i + 1] == " " ? i + 2 : i + 1;
                i = next < tokens.Count && tokens[next] == "." ? next : i;
            }
            else if (Spacing.Contains(token) || (token.Length == 2 && token[0] == '\\' && char.IsWhiteSpace(token[1])))
            {
                result.Add(" ");
            }
            else if (!Dropped.Contains(token))
            {
                result.Add(Renamed.GetValueOrDefault(token, token));
            }
        }
        return result;
    }

    /// <summary>Nests brace groups; a brace without its partner stays a plain token. Spaces end here.</summary>
    private static List<Node> Build(List<string> tokens)
    {
        var open = new Stack<(List<Node> Outer, int Start)>();
        var current = new List<Node>();
        for (var i = 0; i < tokens.Count; i++)
        {
            switch (tokens[i])
            {
                case " ":
                    break;
                case "{":
                    open.Push((current, i));
                    current = [];
                    break;
                case "}" when open.Count > 0:
                    var (outer, start) = open.Pop();
                    outer.Add(new Group(current, string.Concat(tokens.Skip(start + 1).Take(i - start - 1))));
                    current = outer;
                    break;
                default:
                    current.Add(new Token(tokens[i]));
                    break;
            }
        }
        while (open.Count > 0)
        {
            var (outer, _) = open.Pop();
            outer.Add(new Token("{"));
            outer.AddRange(current);
            current = outer;
        }
        return current;
    }

    private static List<Node> Transform(IReadOnlyList<Node> nodes, bool topLevel)
    {
        var list = new List<Node>(nodes.Count);
        for (var i = 0; i < nodes.Count; i++)
        {
            // The words inside \text{...} are prose, not mathematics to rewrite.
            var isText = i > 0 && nodes[i - 1] is Token { Text: "\\text" };
            list.Add(nodes[i] is Group group && !isText ? group with { Children = Transform(group.Children, topLevel: false) } : nodes[i]);
        }
        list = BraceArguments(JoinDigitGroups(DropDegrees(list)));
        if (topLevel)
        {
            list = DropTrailingUnit(list);
        }
        return SlashesToFractions(list);
    }

    private static List<Node> DropDegrees(List<Node> list)
    {
        var result = new List<Node>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is Token { Text: "^" } && i + 1 < list.Count
                && list[i + 1] is Token { Text: "\\circ" } or Group { Children: [Token { Text: "\\circ" }] })
            {
                i++;
                continue;
            }
            result.Add(list[i]);
        }
        return result;
    }

    /// <summary>
    /// Drops <c>{,}</c> in a run of digit groups that reads as thousands (1 to 3 digits, then
    /// groups of exactly 3): <c>1{,}000{,}000</c>. Any other <c>{,}</c> (<c>1{,}5</c>, a decimal
    /// comma) stays, so it compares as text and never equals a number.
    /// </summary>
    private static List<Node> JoinDigitGroups(List<Node> list)
    {
        var result = new List<Node>(list.Count);
        var i = 0;
        while (i < list.Count)
        {
            var end = ThousandsEnd(list, i);
            if (end < 0)
            {
                result.Add(list[i]);
                i++;
                continue;
            }
            result.AddRange(list.Skip(i).Take(end - i).Where(n => !IsBracedComma(n)));
            i = end;
        }
        return result;
    }

    /// <summary>The end of a thousands-grouped number starting at <paramref name="start"/>, or -1.</summary>
    private static int ThousandsEnd(List<Node> list, int start)
    {
        if (start > 0 && IsDigit(list[start - 1]))
        {
            return -1;
        }
        var leading = DigitRun(list, start);
        if (leading is < 1 or > 3)
        {
            return -1;
        }
        var end = start + leading;
        var groups = 0;
        while (end < list.Count && IsBracedComma(list[end]))
        {
            if (DigitRun(list, end + 1) != 3)
            {
                return -1;
            }
            end += 4;
            groups++;
        }
        return groups > 0 ? end : -1;
    }

    private static int DigitRun(List<Node> list, int start)
    {
        var end = start;
        while (end < list.Count && IsDigit(list[end]))
        {
            end++;
        }
        return end - start;
    }

    private static bool IsDigit(Node node) => node is Token { Text: [var c] } && char.IsAsciiDigit(c);

    private static bool IsBracedComma(Node node) => node is Group { Children: [Token { Text: "," }] };

    /// <summary>
    /// TeX takes one token or one group as an argument, so <c>\frac12</c> is <c>\frac{1}{2}</c>
    /// and <c>\sqrt23</c> is <c>\sqrt{2}3</c>. Fractions, roots and text get braces; scripts lose
    /// them around a single token, so <c>x^{2}</c> and <c>x^2</c> are written alike.
    /// </summary>
    private static List<Node> BraceArguments(List<Node> list)
    {
        var result = new List<Node>(list.Count);
        var i = 0;
        while (i < list.Count)
        {
            var node = list[i++];
            result.Add(node);
            switch (node)
            {
                case Token { Text: "\\frac" }:
                    for (var argument = 0; argument < 2 && IsArgument(list, i); argument++)
                    {
                        result.Add(Braced(list[i++]));
                    }
                    break;
                case Token { Text: "\\sqrt" }:
                    if (i < list.Count && list[i] is Token { Text: "[" })
                    {
                        // The index of \sqrt[3]{x} is kept as written.
                        while (i < list.Count && list[i] is not Token { Text: "]" })
                        {
                            result.Add(list[i++]);
                        }
                        if (i < list.Count)
                        {
                            result.Add(list[i++]);
                        }
                    }
                    if (IsArgument(list, i))
                    {
                        result.Add(Braced(list[i++]));
                    }
                    break;
                case Token { Text: "\\text" } when IsArgument(list, i):
                    result.Add(Braced(list[i++]));
                    break;
                case Token { Text: "^" or "_" } when IsArgument(list, i):
                    var script = list[i++];
                    result.Add(script is Group { Children: [Token single] } ? single : script);
                    break;
            }
        }
        return result;
    }

    // A brace left without its partner is no argument: the text around it stays as written.
    private static bool IsArgument(List<Node> list, int i) => i < list.Count && list[i] is Group or Token { Text: not ("{" or "}") };

    private static Group Braced(Node node) => node as Group ?? new Group([node], ((Token)node).Text);

    /// <summary>
    /// Drops final periods and final units: <c>\text{...}</c> or <c>\mathrm{...}</c> of at most
    /// three words of letters (<c>cm</c>, <c>square units</c>, <c>m/s</c>), with an optional
    /// <c>^2</c> or <c>^3</c>, after something else. Words in <see cref="NotUnits"/> keep it.
    /// </summary>
    private static List<Node> DropTrailingUnit(List<Node> list)
    {
        while (true)
        {
            list = DropFinalPeriods(list);
            var end = list.Count;
            if (end >= 2 && list[end - 2] is Token { Text: "^" } && list[end - 1] is Token { Text: "2" or "3" })
            {
                end -= 2;
            }
            var isUnit = end >= 3
                && list[end - 2] is Token { Text: "\\text" or "\\mathrm" }
                && list[end - 1] is Group unit
                && list[end - 3] is not Token { Text: "^" or "_" }
                && IsUnit(unit.Source);
            if (!isUnit)
            {
                return list;
            }
            list = list[..(end - 2)];
        }
    }

    private static List<Node> DropFinalPeriods(List<Node> list)
    {
        var end = list.Count;
        while (end > 1 && list[end - 1] is Token { Text: "." })
        {
            end--;
        }
        return list[..end];
    }

    private static bool IsUnit(string source)
    {
        var words = source.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length <= 3 && words.All(w =>
            w.Any(char.IsAsciiLetter) && w.All(c => char.IsAsciiLetter(c) || c is '.' or '/') && !NotUnits.Contains(w.TrimEnd('.')));
    }

    /// <summary>
    /// Rewrites <c>a/b</c> as <c>\frac{a}{b}</c> inside a product: the numerator is everything
    /// back to the last <c>+</c>, <c>-</c>, comma, relation or bracket (a product divided by b is
    /// the product over b), the denominator must be one atom (a number, letter, constant,
    /// group, root, fraction or bracketed expression, with a script) ending the product. So
    /// <c>3\pi/4</c> and <c>(1+\sqrt5)/2</c> are rewritten, while <c>a/bc</c>, <c>1/2\pi</c> and
    /// <c>\sin x/2</c>, which readers take in two ways, stay as written.
    /// </summary>
    private static List<Node> SlashesToFractions(List<Node> list)
    {
        var result = new List<Node>(list.Count);
        var term = new List<List<Node>>();
        for (var i = 0; i < list.Count; i++)
        {
            var close = list[i] is Token { Text: "(" or "[" } ? ClosingBracket(list, i) : -1;
            if (close > 0)
            {
                var span = new List<Node> { list[i] };
                span.AddRange(SlashesToFractions(list[(i + 1)..close]));
                span.Add(list[close]);
                term.Add(span);
                i = close;
            }
            else if (list[i] is Token token && TermBoundaries.Contains(token.Text))
            {
                Flush(term, result);
                result.Add(list[i]);
            }
            else
            {
                term.Add([list[i]]);
            }
        }
        Flush(term, result);
        return result;
    }

    private static int ClosingBracket(List<Node> list, int open)
    {
        var depth = 0;
        for (var i = open; i < list.Count; i++)
        {
            depth += list[i] switch
            {
                Token { Text: "(" or "[" } => 1,
                Token { Text: ")" or "]" } => -1,
                _ => 0,
            };
            if (depth == 0)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Appends one product (items are single nodes or bracketed spans), as a fraction where it reads as one.</summary>
    private static void Flush(List<List<Node>> term, List<Node> result)
    {
        var slashes = term.Select((item, index) => (item, index)).Where(x => x.item is [Token { Text: "/" }]).ToList();
        if (slashes.Count == 1)
        {
            var slash = slashes[0].index;
            var numerator = term[..slash];
            var denominator = term[(slash + 1)..];
            if (numerator.Count > 0 && IsProduct(numerator) && denominator.Count > 0 && AtomEnd(denominator, 0) == denominator.Count)
            {
                result.Add(new Token("\\frac"));
                result.Add(new Group(Unbracketed(numerator), ""));
                result.Add(new Group(Unbracketed(denominator), ""));
                term.Clear();
                return;
            }
        }
        result.AddRange(term.SelectMany(item => item));
        term.Clear();
    }

    private static bool IsProduct(List<List<Node>> items)
    {
        var i = 0;
        while (i < items.Count)
        {
            if (items[i] is [Token { Text: "\\cdot" or "\\times" or "!" }])
            {
                i++;
                continue;
            }
            var end = AtomEnd(items, i);
            if (end < 0)
            {
                return false;
            }
            i = end;
        }
        return true;
    }

    /// <summary>The end of the atom starting at <paramref name="start"/> (with any scripts), or -1.</summary>
    private static int AtomEnd(List<List<Node>> items, int start)
    {
        var end = items[start] switch
        {
            [Token { Text: "(" }, .., Token { Text: ")" }] => start + 1,
            [Group] => start + 1,
            [Token { Text: [var c] }] when char.IsAsciiLetter(c) => start + 1,
            [Token token] when Constants.Contains(token.Text) => start + 1,
            [Token { Text: [var c] }] when char.IsAsciiDigit(c) || c == '.' => NumberEnd(items, start),
            [Token { Text: "\\frac" }] when HasGroups(items, start + 1, 2) => start + 3,
            [Token { Text: "\\sqrt" }] when HasGroups(items, start + 1, 1) => start + 2,
            _ => -1,
        };
        while (end > 0 && end + 1 < items.Count && items[end] is [Token { Text: "^" or "_" }])
        {
            end += 2;
        }
        return end;
    }

    private static int NumberEnd(List<List<Node>> items, int start)
    {
        var end = start;
        while (end < items.Count && items[end] is [Token { Text: [var c] }] && (char.IsAsciiDigit(c) || c == '.'))
        {
            end++;
        }
        return end;
    }

    private static bool HasGroups(List<List<Node>> items, int start, int count) =>
        start + count <= items.Count && items.Skip(start).Take(count).All(item => item is [Group]);

    /// <summary>The nodes of a numerator or denominator, without the parentheses that only grouped it.</summary>
    private static List<Node> Unbracketed(List<List<Node>> items) =>
        items is [[Token { Text: "(" }, .. var inner, Token { Text: ")" }]] ? inner : items.SelectMany(item => item).ToList();

    private static void Write(IEnumerable<Node> nodes, StringBuilder text)
    {
        string? previous = null;
        foreach (var node in nodes)
        {
            if (node is Group group)
            {
                text.Append('{');
                Write(group.Children, text);
                text.Append('}');
                previous = null;
                continue;
            }
            var token = ((Token)node).Text;
            // A control word runs on through letters, so "\pi r" needs its space to stay \pi times r.
            if (previous is ['\\', var first, ..] && char.IsAsciiLetter(first) && char.IsAsciiLetter(token[0]))
            {
                text.Append(' ');
            }
            text.Append(token);
            previous = token;
        }
    }
}
