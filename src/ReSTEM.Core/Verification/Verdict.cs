namespace ReSTEM.Core.Verification;

/// <summary>
/// The outcome of checking one completion. Only <see cref="Passed"/> earns reward 1; every
/// other verdict is reward 0 with a reason.
/// </summary>
public enum Verdict
{
    /// <summary>The final answer matches, or every unit test ran and passed.</summary>
    Passed,

    /// <summary>An answer was found and is wrong, or a unit test failed.</summary>
    Failed,

    /// <summary>No final answer could be extracted from the completion.</summary>
    NoAnswer,

    /// <summary>The program ran past its CPU or wall-clock limit.</summary>
    Timeout,

    /// <summary>The program ran past its memory limit.</summary>
    Memory,

    /// <summary>The program died (signal, syntax error, uncaught exception outside a test, exit before the tests finished).</summary>
    Crash,

    /// <summary>The program wrote more output than allowed.</summary>
    OutputLimit,

    /// <summary>The sandbox itself could not run the program (set-up failure); the candidate is not to blame.</summary>
    SandboxError,
}

/// <summary>The snake_case names of verdicts used in Parquet files, JSON and logs.</summary>
public static class VerdictNames
{
    private static readonly string[] Names =
        ["passed", "failed", "no_answer", "timeout", "memory", "crash", "output_limit", "sandbox_error"];

    /// <summary>The stored name of a verdict, e.g. <c>no_answer</c>.</summary>
    public static string ToName(this Verdict verdict) => Names[(int)verdict];

    /// <summary>Parses a stored verdict name; false when the name is not one of the eight.</summary>
    public static bool TryParse(string name, out Verdict verdict)
    {
        var i = Array.IndexOf(Names, name);
        verdict = i < 0 ? default : (Verdict)i;
        return i >= 0;
    }

    /// <summary>All verdict names, in enum order.</summary>
    public static IReadOnlyList<string> All => Names;
}
