using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Verification.Code;

/// <summary>
/// The program in a chat model's reply: the first fenced code block (<c>```python ... ```</c>, or a
/// bare <c>```</c>), else the whole reply. An unclosed block runs to the end of the reply.
/// </summary>
public static class FencedCode
{
    /// <summary>The code of <paramref name="reply"/>.</summary>
    public static string Extract(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var open = reply.IndexOf("```", StringComparison.Ordinal);
        if (open < 0) return reply;
        var lineEnd = reply.IndexOf('\n', open);
        if (lineEnd < 0) return "";
        var body = reply[(lineEnd + 1)..];
        var close = body.IndexOf("```", StringComparison.Ordinal);
        return close < 0 ? body : body[..close];
    }
}

/// <summary>
/// Verifies a chat model's code reply: the program is taken out of its code fence (<see cref="FencedCode"/>)
/// and checked by the inner verifier. For HumanEval the reply holds the whole function, written
/// after the prompt's signature and docstring (a valid function on its own), which it redefines.
/// </summary>
public sealed class FencedCodeVerifier(IVerifier inner) : IVerifier
{
    /// <inheritdoc />
    public ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var code = FencedCode.Extract(completion);
        return inner.VerifyAsync(problem, problem.Tests?.PrependQuestion == true ? "\n" + code : code, cancellationToken);
    }
}
