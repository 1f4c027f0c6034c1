using System.Text.Json;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.MathAnswers;

namespace ReSTEM.Core.Tests.Verification;

/// <summary>Real data: every GSM8K test reference solution verifies against itself and not against its neighbour's.</summary>
public sealed class Gsm8kRealDataTests
{
    private static readonly Lazy<IReadOnlyList<(string Question, string Answer)>> s_rows = new(() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Data", "gsm8k-test.jsonl"))
            .Where(line => line.Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(row => (row.GetProperty("question").GetString()!, row.GetProperty("answer").GetString()!))
            .ToList());

    [Fact]
    public async Task Every_reference_answer_verifies_against_itself_and_not_its_neighbour()
    {
        var rows = s_rows.Value;
        Assert.Equal(1319, rows.Count);
        var verifier = new MathVerifier(MathVerifierMode.Gsm8k);
        var selfFailures = new List<string>();
        var neighbourPasses = 0;
        var sameAnswerNeighbours = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var problem = new Problem { Id = $"gsm8k-test-{i}", Question = rows[i].Question, Answer = rows[i].Answer };
            var self = await verifier.VerifyAsync(problem, rows[i].Answer, CancellationToken.None);
            if (self.Verdict != Verdict.Passed)
            {
                selfFailures.Add($"{i}: {self.Reason}");
            }
            var neighbour = rows[(i + 1) % rows.Count].Answer;
            var cross = await verifier.VerifyAsync(problem, neighbour, CancellationToken.None);
            var same = MathVerifier.ExtractGold(neighbour, MathVerifierMode.Gsm8k) == MathVerifier.ExtractGold(rows[i].Answer, MathVerifierMode.Gsm8k);
            if (same)
            {
                // Two neighbours with the same final number: a pass is the right answer there.
                sameAnswerNeighbours++;
                Assert.Equal(Verdict.Passed, cross.Verdict);
            }
            else if (cross.Verdict == Verdict.Passed)
            {
                neighbourPasses++;
            }
        }
        Assert.Empty(selfFailures);
        Assert.Equal(0, neighbourPasses);
        Assert.True(sameAnswerNeighbours < 20, sameAnswerNeighbours.ToString());
    }

    [Fact]
    public void The_builtin_strict_mode_reads_gsm8k_golds_too()
    {
        foreach (var (_, answer) in s_rows.Value.Take(200))
        {
            var gsm = MathVerifier.ExtractGold(answer, MathVerifierMode.Gsm8k);
            var strict = MathVerifier.ExtractGold(answer, MathVerifierMode.Builtin);
            // GSM8K writes thousands with commas ("#### 1,000"); the strict mode reads them as a list.
            if (!answer[answer.IndexOf("####", StringComparison.Ordinal)..].Contains(','))
            {
                Assert.Equal(gsm, strict);
            }
        }
    }
}
