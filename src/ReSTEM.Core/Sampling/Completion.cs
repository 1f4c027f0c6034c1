namespace ReSTEM.Core.Sampling;

/// <summary>Why the generation of one completion ended.</summary>
public enum FinishReason
{
    /// <summary>The model emitted its end-of-sequence token.</summary>
    EndOfSequence,

    /// <summary>A stop string was produced.</summary>
    Stop,

    /// <summary>The max-new-tokens limit (or the model's context length) was reached.</summary>
    Length,
}

/// <summary>One generated completion.</summary>
/// <param name="Text">The generated text, without the prompt, the EOS token or the stop string.</param>
/// <param name="Seed">The seed it was drawn with.</param>
/// <param name="PromptTokens">Tokens in the prompt.</param>
/// <param name="CompletionTokens">Tokens generated (including an EOS or stop string's tokens).</param>
/// <param name="Finish">Why generation ended.</param>
public sealed record Completion(string Text, long Seed, int PromptTokens, int CompletionTokens, FinishReason Finish);
