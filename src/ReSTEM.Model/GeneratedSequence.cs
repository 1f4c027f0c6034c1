using ReSTEM.Core.Sampling;

namespace ReSTEM.Model;

/// <summary>One generated sequence at the token level.</summary>
/// <param name="Tokens">Generated ids, including a final EOS or the tokens of a stop string.</param>
/// <param name="Text">Decoded completion without EOS and stop string.</param>
/// <param name="PromptTokens">Prompt ids the model saw (after any truncation).</param>
/// <param name="Finish">Why generation ended.</param>
internal sealed record GeneratedSequence(int[] Tokens, string Text, int PromptTokens, FinishReason Finish);
