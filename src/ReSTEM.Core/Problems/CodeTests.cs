namespace ReSTEM.Core.Problems;

/// <summary>How a code problem's tests are stated.</summary>
public enum CodeTestStyle
{
    /// <summary>HumanEval / MBPP: Python test code that calls the candidate function (<c>check(entry_point)</c> or asserts).</summary>
    Function,

    /// <summary>APPS / competitive programming: the program reads stdin and must print the expected stdout.</summary>
    StdinStdout,
}

/// <summary>One stdin/stdout case of an APPS-style problem.</summary>
/// <param name="Input">Text fed to the program's standard input.</param>
/// <param name="Output">The expected standard output.</param>
public sealed record IoCase(string Input, string Output);

/// <summary>The unit tests of a code problem.</summary>
public sealed record CodeTests
{
    /// <summary>How the tests are stated.</summary>
    public required CodeTestStyle Style { get; init; }

    /// <summary>Python test code (Function style): defines <c>check(candidate)</c> or holds asserts.</summary>
    public string? Test { get; init; }

    /// <summary>Name of the function under test (Function style).</summary>
    public string? EntryPoint { get; init; }

    /// <summary>Python code run before the tests (MBPP's <c>test_setup_code</c>); may be empty.</summary>
    public string? Setup { get; init; }

    /// <summary>The stdin/stdout cases (StdinStdout style).</summary>
    public IReadOnlyList<IoCase> IoCases { get; init; } = [];

    /// <summary>
    /// Whether the candidate program is the problem statement followed by the completion
    /// (HumanEval: the prompt holds the signature) or the completion alone (MBPP, APPS).
    /// </summary>
    public bool PrependQuestion { get; init; }
}
