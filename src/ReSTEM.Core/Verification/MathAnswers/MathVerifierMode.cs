namespace ReSTEM.Core.Verification.MathAnswers;

/// <summary>Which public harness's rules find and normalise the final answer.</summary>
public enum MathVerifierMode
{
    /// <summary>GSM8K: the first <c>#### number</c>, commas removed (optionally the last number in the text when there is none).</summary>
    Gsm8k,

    /// <summary>Hendrycks MATH: the last <c>\boxed{}</c> / <c>\fbox{}</c>, normalised by <c>_strip_string</c>.</summary>
    Math,

    /// <summary>Minerva: "Final Answer: The final answer is X. I hope it is correct." (else the last box), normalised by <c>normalize_final_answer</c>.</summary>
    Minerva,

    /// <summary>The built-in tasks: a strict <c>#### a</c> or <c>#### a, b</c> line of numbers only, all checked in order.</summary>
    Builtin,
}
