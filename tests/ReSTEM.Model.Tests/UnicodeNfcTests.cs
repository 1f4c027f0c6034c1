using System.Globalization;
using System.Text.Json.Nodes;
using ReSTEM.Model.Unicode;
using ReSTEM.Tests.Shared;

namespace ReSTEM.Model.Tests;

public sealed class UnicodeNfcTests
{
    [Fact]
    public void Nfc_composes_reorders_and_leaves_normal_text_as_it_is()
    {
        Assert.Equal("café", UnicodeNfc.Normalize("cafe\u0301"));
        Assert.Equal("\u00c5", UnicodeNfc.Normalize("\u212b"));
        Assert.Equal("\u1e09", UnicodeNfc.Normalize("c\u0301\u0327"));
        Assert.Equal("\uac01", UnicodeNfc.Normalize("\u1100\u1161\u11a8"));
        Assert.Equal("\u1ead", UnicodeNfc.Normalize("a\u0302\u0323"));
        const string plain = "plain ASCII, Ünïcödé, 数字, 😀";
        Assert.Same(plain, UnicodeNfc.Normalize(plain));
    }

    [Fact]
    public void Nfc_equals_javascript_normalize_on_every_code_point_its_tables_name()
    {
        var codePoints = new SortedSet<int>();
        using (var stream = typeof(UnicodeNfc).Assembly.GetManifestResourceStream("ReSTEM.Model.Unicode.nfc.txt")!)
        using (var reader = new StreamReader(stream))
        {
            while (reader.ReadLine() is { } line)
            {
                if (line.StartsWith('#')) continue;
                var fields = line.Split(' ');
                foreach (var f in fields.Skip(1).Take(fields[0] == "C" ? 1 : fields.Length - 1))
                    codePoints.Add(int.Parse(f, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        Assert.True(codePoints.Count > 3000, $"only {codePoints.Count} code points in the tables");
        var texts = new List<string>();
        foreach (var cp in codePoints)
        {
            var c = char.ConvertFromUtf32(cp);
            texts.AddRange([c, "a" + c, c + "\u0301", c + "\u0327\u0301", "\u1100" + c + "\u11a8", c + "\u0315\u0300\u05ae"]);
        }
        var reference = ReferenceJs.Run("nfc.mjs", new JsonObject { ["texts"] = new JsonArray([.. texts.Select(t => JsonValue.Create(t))]) }, TimeSpan.FromMinutes(2));
        var expected = reference["nfc"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(texts.Count, expected.Count);
        var differ = texts.Select((t, i) => (t, ours: UnicodeNfc.Normalize(t), theirs: expected[i])).Where(x => x.ours != x.theirs).ToList();
        Assert.True(differ.Count == 0, $"{differ.Count} of {texts.Count} differ, e.g. " +
            string.Join("; ", differ.Take(5).Select(x => $"{Hex(x.t)}: ours {Hex(x.ours)}, JavaScript {Hex(x.theirs)}")));
    }

    private static string Hex(string s) => string.Join(" ", s.EnumerateRunes().Select(r => r.Value.ToString("X4", CultureInfo.InvariantCulture)));
}
