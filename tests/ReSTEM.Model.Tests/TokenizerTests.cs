using System.Text.Json.Nodes;

namespace ReSTEM.Model.Tests;

public sealed class TokenizerTests
{
    [Fact]
    public void Char_tokenizer_round_trips_printable_ascii_and_newlines()
    {
        var t = new CharTokenizer();
        Assert.Equal(100, t.VocabSize);
        var text = "Q: 12 + 7 = ?\nA: 19 #### 19 ~{}";
        var ids = t.Encode(text);
        Assert.Equal(text.Length, ids.Count);
        Assert.All(ids, id => Assert.InRange(id, 4, 99));
        Assert.Equal(text, t.Decode(ids));
        Assert.Equal("ab", t.Decode([CharTokenizer.BosTokenId, .. t.Encode("a"), CharTokenizer.PadTokenId, .. t.Encode("b"), CharTokenizer.EosTokenId]));
        Assert.Equal([CharTokenizer.UnknownTokenId], t.Encode("é"));
    }

    [Fact]
    public void Char_tokenizer_reloads_from_its_file()
    {
        var dir = TestModels.TempDir();
        new CharTokenizer("xyz\n").Save(dir);
        var loaded = Tokenizers.Load(dir);
        Assert.IsType<CharTokenizer>(loaded);
        Assert.Equal(8, loaded.VocabSize);
        Assert.Equal([4, 5, 6, 7], loaded.Encode("xyz\n"));
        File.WriteAllText(Path.Combine(dir, CharTokenizer.FileName), "{\"type\":\"char\"}");
        Assert.Contains(CharTokenizer.FileName, Assert.Throws<InvalidDataException>(() => Tokenizers.Load(dir)).Message);
    }

    [Fact]
    public void Hf_byte_level_bpe_applies_merges_handles_unicode_and_special_tokens()
    {
        var dir = TestModels.TempDir();
        TestModels.WriteTinyByteLevelTokenizer(dir, withBos: false);
        var t = Tokenizers.Load(dir);
        Assert.IsType<HfTokenizer>(t);
        var vocab = Vocabulary(dir);
        Assert.Equal([vocab["Ġthe"]], t.Encode(" the"));
        Assert.Equal([vocab["he"], vocab["Ġthe"]], t.Encode("he the"));
        foreach (var text in new[] { "the cat, the hat\n\tdone", "héllo wörld ✓ 数字 12345", "" })
            Assert.Equal(text, t.Decode(t.Encode(text)));
        var eos = t.EosId!.Value;
        Assert.Equal(vocab["<|endoftext|>"], eos);
        Assert.Null(t.BosId);
        Assert.Equal([vocab["a"], eos, vocab["b"]], t.Encode("a<|endoftext|>b"));
        Assert.Equal("ab", t.Decode([vocab["a"], eos, vocab["b"]]));
        Assert.Equal(eos, t.PadId);
        Assert.Equal(vocab.Values.Max() + 1, t.VocabSize);
        // Ids of a model vocabulary padded past the tokenizer's decode to nothing.
        Assert.Equal("ab", t.Decode([vocab["a"], t.VocabSize + 5, vocab["b"]]));
    }

    [Fact]
    public void Hf_tokenizer_takes_bos_from_its_post_processor_and_saves_its_files()
    {
        var dir = TestModels.TempDir();
        TestModels.WriteTinyByteLevelTokenizer(dir, withBos: true);
        var t = Tokenizers.Load(dir);
        Assert.Equal(Vocabulary(dir)["<|begin_of_text|>"], t.BosId);
        var copy = TestModels.TempDir();
        t.Save(copy);
        var reloaded = Tokenizers.Load(copy);
        Assert.Equal(t.BosId, reloaded.BosId);
        Assert.Equal(t.Encode("the end"), reloaded.Encode("the end"));
    }

    [Fact]
    public void Unsupported_tokenizer_files_fail_with_the_file_name()
    {
        var dir = TestModels.TempDir();
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{\"model\":{\"type\":\"Unigram\",\"vocab\":[]}}");
        var e = Assert.Throws<InvalidDataException>(() => Tokenizers.Load(dir));
        Assert.Contains("tokenizer.json", e.Message);
        Assert.Contains("Unigram", e.Message);
        Assert.Contains("tokenizer.json", Assert.Throws<FileNotFoundException>(() => Tokenizers.Load(TestModels.TempDir())).Message);
    }

    private static Dictionary<string, int> Vocabulary(string dir)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "tokenizer.json")))!;
        var vocab = ((JsonObject)root["model"]!["vocab"]!).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>());
        foreach (var added in (JsonArray)root["added_tokens"]!) vocab[added!["content"]!.GetValue<string>()] = added["id"]!.GetValue<int>();
        return vocab;
    }
}
