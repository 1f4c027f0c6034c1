namespace ReSTEM.Model;

/// <summary>Text to token ids and back, the same for training and generation.</summary>
public interface ITokenizer
{
    /// <summary>Number of ids the tokenizer can produce (at most the model's vocabulary).</summary>
    int VocabSize { get; }

    /// <summary>Beginning-of-sequence id, when the tokenizer prefixes sequences with one.</summary>
    int? BosId { get; }

    /// <summary>End-of-sequence id, if any.</summary>
    int? EosId { get; }

    /// <summary>Id used to pad batches (never seen by the loss or by attention).</summary>
    int PadId { get; }

    /// <summary>Encodes text without adding any special token.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>Decodes ids to text, skipping special tokens.</summary>
    string Decode(IReadOnlyList<int> ids);

    /// <summary>Writes the tokenizer's files into <paramref name="dir"/> so <see cref="Tokenizers.Load"/> reads it back.</summary>
    void Save(string dir);
}
