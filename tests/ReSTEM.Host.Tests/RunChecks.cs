using System.Data;
using System.Globalization;
using System.Text.RegularExpressions;
using ReSTEM.Core.Filtering;
using ReSTEM.Core.Options;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Tasks.Countdown;
using ReSTEM.Host.Configuration;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Tests;

/// <summary>
/// Checks a finished run folder from the outside, through the files alone: the invariants of
/// ReST-EM and of the data layout that every run must satisfy, however it was interrupted.
/// </summary>
internal static partial class RunChecks
{
    public static async Task AssertCompleteAsync(string runDir, string configFile)
    {
        var options = RunOptionsBinder.Bind(HoconDocument.Load(configFile, []));
        Assert.Equal(CountdownTask.TaskName, options.Task);
        var problems = new CountdownProblemGenerator(options.Tasks.Countdown).GenerateSplits();
        var train = problems[Split.Train];
        var test = problems[Split.Test];
        var byId = problems.Values.SelectMany(p => p).ToDictionary(p => p.Id);
        var layout = new RunLayout(runDir);
        var manifest = new ManifestStore(layout).Load();
        var samples = new SampleStore(layout);
        var tables = new TableStore(layout);
        var k = options.Sampling.SamplesPerProblem;
        var baseDigest = manifest.Find(0)?.Digest;
        Assert.False(string.IsNullOrEmpty(baseDigest), "the base model's digest is in the manifest");

        for (var i = 1; i <= options.Iterations; i++)
        {
            var record = manifest.Find(i);
            Assert.True(record is { Phase: IterationPhase.Evaluated }, $"iteration {i} is evaluated");

            var rows = new List<SampleRow>();
            await foreach (var row in samples.ReadAsync(i)) rows.Add(row);
            // Exactly K verified samples per train problem, no (problem, index) twice.
            Assert.Equal(train.Count * k, rows.Count);
            Assert.Equal(rows.Count, rows.Select(r => (r.ProblemId, r.SampleIndex)).Distinct().Count());
            foreach (var problem in train)
            {
                Assert.Equal(Enumerable.Range(0, k), rows.Where(r => r.ProblemId == problem.Id).Select(r => r.SampleIndex).Order());
            }
            // Every stored reward equals an independent re-check of the stored completion.
            foreach (var row in rows)
            {
                Assert.Equal(IndependentReward(byId[row.ProblemId], row.Completion), row.Reward);
                Assert.Equal(row.Reward > 0 ? "passed" : row.Verdict, row.Verdict);
            }

            // D_i: only correct samples, no duplicate completion per problem, at most the cap, the filter's choice.
            var trainSet = await tables.ReadTrainSetAsync(i);
            Assert.Equal(record!.TrainRows, trainSet.Count);
            // The run must have had correct samples to train on, or the M-step checks below check nothing.
            Assert.True(trainSet.Count > 0, $"D_{i} is empty");
            Assert.All(trainSet, t => Assert.Equal(1f, t.Reward));
            foreach (var group in trainSet.GroupBy(t => t.ProblemId))
            {
                Assert.True(group.Count() <= options.Filter.MaxCorrectPerProblem, $"{group.Key} has {group.Count()} rows in D_{i}");
                Assert.Equal(group.Count(), group.Select(t => SampleFilter.Normalize(t.Completion)).Distinct().Count());
            }
            var expected = rows.GroupBy(r => r.ProblemId)
                .SelectMany(g => new SampleFilter(options.Filter.MaxCorrectPerProblem).Accept(g.Select(r => (r.SampleIndex, r.Reward, r.Completion))).Select(ix => (g.Key, ix)))
                .Order().ToList();
            Assert.Equal(expected, trainSet.Select(t => (t.ProblemId, t.SampleIndex)).Order().ToList());

            // The M-step started from the base model's weights.
            Assert.Equal(baseDigest, record.StartedFromDigest);
            Assert.True(File.Exists(Path.Combine(layout.Checkpoint(i), "model.safetensors")));
        }

        if (options.Baseline == BaselineKind.Sft)
        {
            // The SFT baseline: the human solution of every train problem, trained from the base model, evaluated like an iteration.
            var baseline = manifest.Find(RunLayout.SftBaseline);
            Assert.True(baseline is { Phase: IterationPhase.Evaluated }, "the SFT baseline is evaluated");
            var human = await tables.ReadTrainSetAsync(RunLayout.SftBaseline);
            Assert.Equal(train.Select(p => p.Id).Order(), human.Select(h => h.ProblemId).Order());
            Assert.All(human, h => Assert.Equal(1f, IndependentReward(byId[h.ProblemId], h.Completion)));
            Assert.Equal(baseDigest, baseline!.StartedFromDigest);
            Assert.NotEqual(baseDigest, baseline.Digest);
            Assert.True(File.Exists(Path.Combine(layout.Checkpoint(RunLayout.SftBaseline), "model.safetensors")));
        }

        foreach (var i in Enumerable.Range(0, options.Iterations + 1).Concat(options.Baseline == BaselineKind.Sft ? [RunLayout.SftBaseline] : []))
        {
            var eval = await tables.ReadEvaluationAsync(i);
            Assert.Equal(test.Select(p => p.Id).Order(), eval.Where(e => e.Split == "test" && e.Mode == "greedy").Select(e => e.ProblemId).Order());
            Assert.True(File.Exists(layout.Metrics(i)), $"metrics.json of iteration {i}");
            Assert.Contains("pass@1", manifest.Find(i)!.Metrics!.Keys);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(runDir, ".tmp-*", SearchOption.AllDirectories));
    }

    /// <summary>
    /// The Countdown reward computed here, apart from the project's verifier: the answer line is one
    /// or more "expression=value" steps separated by commas; each step's numbers come from the given
    /// ones and earlier values (each once), <see cref="DataTable.Compute"/> (an evaluator that shares
    /// no code with ours) gives each stated value, nothing is left over, and the last value is the target.
    /// </summary>
    private static float IndependentReward(Problem problem, string completion)
    {
        var question = QuestionPattern().Match(problem.Question);
        var pool = question.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => decimal.Parse(n, CultureInfo.InvariantCulture)).ToList();
        var target = decimal.Parse(question.Groups[2].Value, CultureInfo.InvariantCulture);
        decimal? last = null;
        foreach (var step in completion.Split('\n')[0].Split(','))
        {
            var sides = step.Split('=');
            if (sides.Length != 2 || !AllowedExpression().IsMatch(sides[0])) return 0f;
            if (!decimal.TryParse(sides[1].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var stated)) return 0f;
            foreach (Match number in Number().Matches(sides[0]))
            {
                if (!pool.Remove(decimal.Parse(number.Value, CultureInfo.InvariantCulture))) return 0f;
            }
            try
            {
                if (Convert.ToDecimal(new DataTable().Compute(sides[0], null), CultureInfo.InvariantCulture) != stated) return 0f;
            }
            catch (Exception e) when (e is EvaluateException or SyntaxErrorException or OverflowException)
            {
                return 0f;
            }
            pool.Add(stated);
            last = stated;
        }
        return last == target && pool.Count == 1 ? 1f : 0f;
    }

    [GeneratedRegex(@"^use ([0-9 ]+) make ([0-9]+)$")]
    private static partial Regex QuestionPattern();

    /// <summary>Digits, + - *, parentheses and spaces, never a sign in front of a number.</summary>
    [GeneratedRegex(@"^\s*(?:\(\s*)*[0-9]+(?:\s*\)\s*)*(?:[-+*]\s*(?:\(\s*)*[0-9]+(?:\s*\)\s*)*)*$")]
    private static partial Regex AllowedExpression();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Number();
}
