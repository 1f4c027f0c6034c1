using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Storage.Tests;

public sealed class TableAndManifestTests
{
    [Fact]
    public async Task Eval_rows_keep_their_lists()
    {
        using var dir = new TempDir();
        var tables = new TableStore(new RunLayout(dir.Path));
        EvalRow[] rows =
        [
            new() { Iteration = 0, Split = "test", ProblemId = "p", Difficulty = 2, Mode = "sampled", N = 3, Correct = 1, Answers = ["1", "", "2"], Rewards = [0f, 0f, 1f], Completions = ["a", "b", "c"], CheckpointId = "x" },
            new() { Iteration = 0, Split = "test", ProblemId = "p", Difficulty = 2, Mode = "greedy", N = 1, Correct = 0, Answers = [""], Rewards = [0f], Completions = [""], CheckpointId = "x" },
        ];
        await tables.WriteEvaluationAsync(0, rows, new Dictionary<string, double> { ["pass@1"] = 0.25 });

        var back = await tables.ReadEvaluationAsync(0);
        Assert.Equivalent(rows, back, strict: true);
        Assert.Contains("\"pass@1\": 0.25", File.ReadAllText(new RunLayout(dir.Path).Metrics(0)));
    }

    [Fact]
    public async Task Manifest_round_trips_and_hash_ignores_key_order()
    {
        using var dir = new TempDir();
        var store = new ManifestStore(new RunLayout(dir.Path));
        var keys = new Dictionary<string, string> { ["restem.task"] = "arithmetic", ["restem.seed"] = "1" };
        var manifest = new RunManifest
        {
            RunId = "r1",
            Task = "arithmetic",
            BaseModel = "builtin",
            ResumeKeys = keys,
            ConfigHash = ManifestStore.HashKeys(keys),
        }.With(new IterationRecord { Iteration = 0, Phase = IterationPhase.Trained, CheckpointId = "base" });
        await store.SaveAsync(manifest);

        var back = store.Load();
        Assert.Equal(IterationPhase.Trained, back.Find(0)!.Phase);
        Assert.Contains("\"phase\": \"trained\"", File.ReadAllText(new RunLayout(dir.Path).Manifest));
        Assert.Equal(manifest.ConfigHash, ManifestStore.HashKeys(new Dictionary<string, string> { ["restem.seed"] = "1", ["restem.task"] = "arithmetic" }));
        Assert.Equal(["restem.seed: 1 -> 2"], ManifestStore.Differences(keys, new Dictionary<string, string> { ["restem.task"] = "arithmetic", ["restem.seed"] = "2" }));
    }

    [Fact]
    public void A_damaged_manifest_is_reported_by_name()
    {
        using var dir = new TempDir();
        var layout = new RunLayout(dir.Path);
        File.WriteAllText(layout.Manifest, "{ \"run_id\": ");
        var error = Assert.Throws<DamagedFileException>(() => new ManifestStore(layout).Load());
        Assert.Equal(layout.Manifest, error.Path);
    }
}
