using System.Globalization;
using System.Text;

namespace ReSTEM.Model.Unicode;

/// <summary>
/// Unicode NFC normalization (UAX #15) in managed code. The service runs with invariant
/// globalization, where <see cref="string.Normalize()"/> leaves text unchanged, yet the Qwen2/Qwen3
/// tokenizers normalize to NFC before splitting, so a decomposed "e" + U+0301 must become "é" here
/// exactly as Hugging Face's tokenizers make it. Tables: <c>nfc.txt</c>, made from the Unicode
/// Character Database by <c>scripts/gen_unicode_nfc.py</c>.
/// </summary>
internal static class UnicodeNfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Tables> s_tables = new(Tables.Load);

    /// <summary>The NFC form of <paramref name="text"/>; the same instance when it is NFC already.</summary>
    public static string Normalize(string text)
    {
        var tables = s_tables.Value;
        if (IsQuickNfc(text, tables)) return text;
        var buffer = Decompose(text, tables);
        Reorder(buffer, tables);
        Compose(buffer, tables);
        var result = new StringBuilder(text.Length);
        foreach (var cp in buffer) result.Append(char.ConvertFromUtf32(cp));
        return result.ToString();
    }

    // UAX #15 quick check: no code point whose NFC_Quick_Check is No or Maybe, and combining marks in order.
    private static bool IsQuickNfc(string text, Tables tables)
    {
        var lastClass = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var cp = rune.Value;
            if (cp < 0x300)
            {
                lastClass = 0;
                continue;
            }
            if ((cp >= SBase && cp < SBase + SCount) == false && tables.QuickCheckFails.Contains(cp)) return false;
            var cls = tables.Class(cp);
            if (cls != 0 && lastClass > cls) return false;
            lastClass = cls;
        }
        return true;
    }

    private static List<int> Decompose(string text, Tables tables)
    {
        var buffer = new List<int>(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            var cp = rune.Value;
            var s = cp - SBase;
            if (s >= 0 && s < SCount)
            {
                buffer.Add(LBase + s / NCount);
                buffer.Add(VBase + s % NCount / TCount);
                if (s % TCount != 0) buffer.Add(TBase + s % TCount);
            }
            else if (tables.Decompositions.TryGetValue(cp, out var parts)) buffer.AddRange(parts);
            else buffer.Add(cp);
        }
        return buffer;
    }

    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    private static void Reorder(List<int> buffer, Tables tables)
    {
        for (var i = 1; i < buffer.Count; i++)
        {
            var cls = tables.Class(buffer[i]);
            if (cls == 0) continue;
            for (var j = i; j > 0 && tables.Class(buffer[j - 1]) > cls; j--)
                (buffer[j - 1], buffer[j]) = (buffer[j], buffer[j - 1]);
        }
    }

    // Canonical composition: each character joins the last starter unless a character between
    // them blocks it (a starter, or a mark of the same or a higher class).
    private static void Compose(List<int> buffer, Tables tables)
    {
        if (buffer.Count == 0) return;
        var starterPos = 0;
        var starter = buffer[0];
        var lastClass = tables.Class(starter) == 0 ? 0 : 256;
        var written = 1;
        for (var i = 1; i < buffer.Count; i++)
        {
            var cp = buffer[i];
            var cls = tables.Class(cp);
            if ((lastClass < cls || lastClass == 0) && TryCompose(starter, cp, tables, out var composite))
            {
                buffer[starterPos] = composite;
                starter = composite;
                continue;
            }
            if (cls == 0)
            {
                starterPos = written;
                starter = cp;
            }
            lastClass = cls;
            buffer[written++] = cp;
        }
        buffer.RemoveRange(written, buffer.Count - written);
    }

    private static bool TryCompose(int first, int second, Tables tables, out int composite)
    {
        var l = first - LBase;
        var v = second - VBase;
        if (l >= 0 && l < LCount && v >= 0 && v < VCount)
        {
            composite = SBase + (l * VCount + v) * TCount;
            return true;
        }
        var s = first - SBase;
        var t = second - TBase;
        if (s >= 0 && s < SCount && s % TCount == 0 && t > 0 && t < TCount)
        {
            composite = first + t;
            return true;
        }
        return tables.Compositions.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private sealed class Tables
    {
        public Dictionary<int, int[]> Decompositions { get; } = [];
        public Dictionary<int, byte> Classes { get; } = [];
        public Dictionary<long, int> Compositions { get; } = [];
        public HashSet<int> QuickCheckFails { get; } = [];

        public int Class(int cp) => cp < 0x300 ? 0 : Classes.GetValueOrDefault(cp);

        public static Tables Load()
        {
            var tables = new Tables();
            using var stream = typeof(UnicodeNfc).Assembly.GetManifestResourceStream("ReSTEM.Model.Unicode.nfc.txt")
                ?? throw new InvalidOperationException("the NFC tables (Unicode/nfc.txt) are not embedded in ReSTEM.Model");
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#') continue;
                var f = line.Split(' ');
                int Hex(int i) => int.Parse(f[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                switch (f[0])
                {
                    case "D": tables.Decompositions[Hex(1)] = [.. Enumerable.Range(2, f.Length - 2).Select(Hex)]; break;
                    case "C": tables.Classes[Hex(1)] = byte.Parse(f[2], CultureInfo.InvariantCulture); break;
                    case "P": tables.Compositions[((long)Hex(1) << 21) | (uint)Hex(2)] = Hex(3); break;
                    case "Q": tables.QuickCheckFails.Add(Hex(1)); break;
                    default: throw new InvalidDataException($"Unicode/nfc.txt: unknown line '{line}'");
                }
            }
            return tables;
        }
    }
}
