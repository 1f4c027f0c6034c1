using System.Globalization;
using ReSTEM.Core.Filtering;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Tasks.Arithmetic;
using ReSTEM.Host.Configuration;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Tests;

/// <summary>
/// Checks a finished run folder from the outside, through the files alone: the invariants of
/// ReST-EM and of the data layout that every run must satisfy, however it was interrupted.
/// </summary>
internal static class RunChecks
{
    public static async Task AssertCompleteAsync(string runDir, string configFile)
    {
        var options = RunOptionsBinder.Bind(HoconDocument.Load(configFile, []));
        var problems = new ArithmeticProblemGenerator(options.Tasks.Arithmetic).GenerateSplits();
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

        for (var i = 0; i <= options.Iterations; i++)
        {
            var eval = await tables.ReadEvaluationAsync(i);
            Assert.Equal(test.Select(p => p.Id).Order(), eval.Where(e => e.Split == "test" && e.Mode == "greedy").Select(e => e.ProblemId).Order());
            Assert.True(File.Exists(layout.Metrics(i)), $"metrics.json of iteration {i}");
            Assert.Contains("pass@1", manifest.Find(i)!.Metrics!.Keys);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(runDir, ".tmp-*", SearchOption.AllDirectories));
    }

    /// <summary>
    /// The arithmetic reward computed here, apart from the project's verifier: the first #### line
    /// (as the GSM8K harness reads it) lists numbers equal to the gold ones, in order.
    /// </summary>
    private static float IndependentReward(Problem problem, string completion)
    {
        var at = completion.IndexOf("####", StringComparison.Ordinal);
        if (at < 0) return 0f;
        var parts = completion[(at + 4)..].Split('\n')[0].Split(',').Select(p => p.Trim()).ToList();
        var values = new List<decimal>();
        foreach (var part in parts)
        {
            if (!decimal.TryParse(part, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return 0f;
            values.Add(value);
        }
        var gold = problem.Answer!.Split(',').Select(p => decimal.Parse(p.Trim(), CultureInfo.InvariantCulture));
        return values.SequenceEqual(gold) ? 1f : 0f;
    }
}
