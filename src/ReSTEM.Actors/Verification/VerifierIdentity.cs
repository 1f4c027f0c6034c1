using System.Globalization;
using ReSTEM.Core.Options;

namespace ReSTEM.Actors.Verification;

/// <summary>
/// What a verifier checks, as one line: the task and the limits its verdicts depend on. A worker
/// joins a run's pool only when its line equals the run's, so a verifier node started with another
/// configuration can never score the run's samples by other rules.
/// </summary>
public static class VerifierIdentity
{
    /// <summary>The identity of <paramref name="task"/>'s verifier under <paramref name="options"/>.</summary>
    public static string Of(string task, VerificationOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"task {task}, timeout {options.TimeoutSeconds} s, memory {options.MemoryMB} MB");
}
