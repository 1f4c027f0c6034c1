using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Storage.Tests;

public sealed class RunRepairTests
{
    private static async Task<RunLayout> SealedRunAsync(TempDir dir)
    {
        var layout = new RunLayout(dir.Path);
        var keys = new Dictionary<string, string> { ["restem.task"] = "arithmetic" };
        var manifest = new RunManifest { RunId = "r", Task = "arithmetic", BaseModel = "builtin", ConfigHash = ManifestStore.HashKeys(keys), ResumeKeys = keys };
        await new ManifestStore(layout).SaveAsync(manifest.With(new IterationRecord { Iteration = 1, Phase = IterationPhase.Sealed, TrainRows = 1 }));
        await new SampleStore(layout).WritePartAsync(1, [new SampleRow { RunId = "r", Iteration = 1, ProblemId = "a", Verdict = "passed", Reward = 1 }]);
        await new TableStore(layout).WriteTrainSetAsync(1, [new TrainRow { Iteration = 1, ProblemId = "a", Reward = 1 }]);
        return layout;
    }

    [Fact]
    public async Task A_healthy_run_passes_the_check_untouched()
    {
        using var dir = new TempDir();
        var layout = await SealedRunAsync(dir);
        var repair = new RunRepair(layout, quarantine: false);
        await repair.CheckAsync(default);
        Assert.Empty(repair.Moved);
        Assert.Equal(IterationPhase.Sealed, new ManifestStore(layout).Load().Find(1)!.Phase);
    }

    [Fact]
    public async Task A_truncated_part_is_named_and_with_quarantine_moved_aside_and_its_iteration_sampled_again()
    {
        using var dir = new TempDir();
        var layout = await SealedRunAsync(dir);
        var part = new SampleStore(layout).PartFiles(1)[0];
        var bytes = await File.ReadAllBytesAsync(part);
        await File.WriteAllBytesAsync(part, bytes[..(bytes.Length - 20)]);

        var error = await Assert.ThrowsAsync<DamagedFileException>(() => new RunRepair(layout, quarantine: false).CheckAsync(default));
        Assert.Equal(part, error.Path);
        Assert.True(File.Exists(part), "without --quarantine nothing moves");

        var repair = new RunRepair(layout, quarantine: true);
        await repair.CheckAsync(default);
        Assert.Equal([Path.Combine("iter-1", "samples", "part-000001.parquet")], repair.Moved);
        Assert.True(File.Exists(Path.Combine(layout.Quarantine, "iter-1", "samples", "part-000001.parquet")));
        Assert.Equal(IterationPhase.Sampling, new ManifestStore(layout).Load().Find(1)!.Phase);
    }

    [Fact]
    public async Task A_foreign_file_among_the_parts_is_refused_or_quarantined()
    {
        using var dir = new TempDir();
        var layout = await SealedRunAsync(dir);
        var foreign = Path.Combine(layout.Samples(1), "notes.csv");
        await File.WriteAllTextAsync(foreign, "a,b");

        var error = await Assert.ThrowsAsync<DamagedFileException>(() => new RunRepair(layout, quarantine: false).CheckAsync(default));
        Assert.Equal(foreign, error.Path);
        await new RunRepair(layout, quarantine: true).CheckAsync(default);
        Assert.False(File.Exists(foreign));
    }

    [Fact]
    public async Task A_damaged_manifest_is_replaced_by_its_backup_under_quarantine()
    {
        using var dir = new TempDir();
        var layout = await SealedRunAsync(dir);
        var store = new ManifestStore(layout);
        // A second save leaves the first as run.json.bak.
        await store.SaveAsync(store.Load() with { IterationsPlanned = 5 });
        await File.WriteAllTextAsync(layout.Manifest, "{ broken");

        await Assert.ThrowsAsync<DamagedFileException>(() => new RunRepair(layout, quarantine: false).CheckAsync(default));
        var repair = new RunRepair(layout, quarantine: true);
        await repair.CheckAsync(default);
        Assert.Contains("run.json", repair.Moved);
        Assert.Equal("r", store.Load().RunId);
    }

    [Fact]
    public async Task A_missing_train_set_steps_the_iteration_back_to_sealing_it_again()
    {
        using var dir = new TempDir();
        var layout = await SealedRunAsync(dir);
        File.Delete(layout.TrainSet(1));
        await new RunRepair(layout, quarantine: true).CheckAsync(default);
        Assert.Equal(IterationPhase.Sampling, new ManifestStore(layout).Load().Find(1)!.Phase);
    }
}
