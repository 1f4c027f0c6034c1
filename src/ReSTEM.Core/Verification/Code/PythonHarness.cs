using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace ReSTEM.Core.Verification.Code;

/// <summary>
/// The trusted Python harnesses that run candidate programs against tests inside the sandbox,
/// the framing of their standard input, and the parsing of their reports. Every run gets a
/// fresh random token; only the harness knows it (it arrives on standard input, not in the
/// program text), and only lines that start with it count as the harness's report. The
/// function-test harness keeps the candidate in a process of its own that never sees the token
/// or the tests (see function_harness.py); the token is a second line of defence there.
/// </summary>
internal static class PythonHarness
{
    private static readonly Lazy<string> s_function = new(() => Load("function_harness.py"));
    private static readonly Lazy<string> s_stdio = new(() => Load("stdio_harness.py"));

    /// <summary>The function-test harness (HumanEval / MBPP).</summary>
    public static string FunctionSource => s_function.Value;

    /// <summary>The stdin/stdout harness (APPS).</summary>
    public static string StdioSource => s_stdio.Value;

    /// <summary>A fresh 128-bit token, as 32 hex digits.</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Standard input of the function-test harness: <paramref name="prelude"/> is trusted code
    /// (the problem statement) whose definitions the tests get from the judge, never from the
    /// program. What the candidate may know comes first; the token and the tests follow, read
    /// by the judge only after it has forked the candidate.
    /// </summary>
    public static byte[] FunctionInput(string token, string setup, string prelude, string program, string test, string entryPoint)
    {
        using var stream = new MemoryStream();
        foreach (var part in new[] { setup, prelude, program, entryPoint })
        {
            WriteSection(stream, Encoding.UTF8.GetBytes(part));
        }
        stream.Write(Encoding.ASCII.GetBytes(token + "\n"));
        WriteSection(stream, Encoding.UTF8.GetBytes(test));
        return stream.ToArray();
    }

    /// <summary>Standard input of the stdin/stdout harness.</summary>
    public static byte[] StdioInput(string token, string program, TimeSpan caseTimeout, int caseOutputBytes, IReadOnlyList<string> inputs)
    {
        using var stream = new MemoryStream();
        stream.Write(Encoding.ASCII.GetBytes(token + "\n"));
        WriteSection(stream, Encoding.UTF8.GetBytes(program));
        var options = string.Create(CultureInfo.InvariantCulture, $"case_timeout={caseTimeout.TotalSeconds:R} case_output={caseOutputBytes}");
        WriteSection(stream, Encoding.ASCII.GetBytes(options));
        stream.Write(Encoding.ASCII.GetBytes(inputs.Count.ToString("D12", CultureInfo.InvariantCulture)));
        foreach (var input in inputs)
        {
            WriteSection(stream, Encoding.UTF8.GetBytes(input));
        }
        return stream.ToArray();
    }

    /// <summary>
    /// The harness's report lines in <paramref name="stdout"/>: each starts after a newline with
    /// the token and a space; returned as (kind, rest of the header line, offset just past the header's newline).
    /// </summary>
    public static List<(string Kind, string Detail, int End)> Reports(ReadOnlySpan<byte> stdout, string token)
    {
        var result = new List<(string, string, int)>();
        var marker = Encoding.ASCII.GetBytes("\n" + token + " ");
        var position = 0;
        while (position < stdout.Length)
        {
            var found = stdout[position..].IndexOf(marker);
            if (found < 0)
            {
                break;
            }
            var start = position + found + marker.Length;
            var newline = stdout[start..].IndexOf((byte)'\n');
            var end = newline < 0 ? stdout.Length : start + newline;
            var header = Encoding.UTF8.GetString(stdout[start..end]);
            var space = header.IndexOf(' ');
            result.Add(space < 0 ? (header, "", Math.Min(end + 1, stdout.Length)) : (header[..space], header[(space + 1)..], Math.Min(end + 1, stdout.Length)));
            position = end;
        }
        return result;
    }

    /// <summary>The last non-empty line of a stderr tail (typically the exception line of a traceback).</summary>
    public static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "" : lines[^1].Length > 300 ? lines[^1][..300] : lines[^1];
    }

    private static void WriteSection(Stream stream, byte[] bytes)
    {
        stream.Write(Encoding.ASCII.GetBytes(bytes.Length.ToString("D12", CultureInfo.InvariantCulture)));
        stream.Write(bytes);
    }

    private static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ReSTEM.Core.Verification.Code." + name)
            ?? throw new InvalidOperationException($"embedded harness {name} is missing from ReSTEM.Core");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
