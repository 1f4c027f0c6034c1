namespace ReSTEM.Model;

/// <summary>Finds the tokenizer a checkpoint folder holds.</summary>
public static class Tokenizers
{
    /// <summary>
    /// Loads <c>tokenizer.json</c> (HF byte-level BPE) if present, else <c>char_tokenizer.json</c>
    /// (built-in); throws <see cref="FileNotFoundException"/> naming both when neither exists.
    /// </summary>
    public static ITokenizer Load(string dir)
    {
        if (File.Exists(Path.Combine(dir, HfTokenizer.FileName))) return HfTokenizer.Load(dir);
        var charPath = Path.Combine(dir, CharTokenizer.FileName);
        if (File.Exists(charPath)) return CharTokenizer.Load(charPath);
        throw new FileNotFoundException(
            $"no tokenizer in {dir}: expected {HfTokenizer.FileName} (HF byte-level BPE) or {CharTokenizer.FileName} (built-in)");
    }
}
