using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;

namespace ReSTEM.Storage.Runs;

/// <summary>
/// The check a run folder gets before a run carries on: run.json and every Parquet file the run
/// wrote are read through, and nothing foreign sits among the sample parts. By default the
/// first damaged file is reported (<see cref="DamagedFileException"/>, exit code 2, never a stack
/// trace). With quarantine, each damaged or foreign file is moved to <c>quarantine/</c> (same
/// relative path) and the manifest steps the affected iteration back to the phase that rewrites
/// it: samples of a quarantined part are drawn again, D_i is sealed again, an evaluation is run
/// again; a damaged run.json is replaced by run.json.bak. Nothing is deleted.
/// </summary>
public sealed class RunRepair
{
    private readonly RunLayout _layout;
    private readonly bool _quarantine;
    private readonly List<string> _moved = [];

    /// <summary>Checks the run in <paramref name="layout"/>; with <paramref name="quarantine"/> it also repairs.</summary>
    public RunRepair(RunLayout layout, bool quarantine)
    {
        _layout = layout;
        _quarantine = quarantine;
    }

    /// <summary>Files moved to the quarantine folder, relative to the run folder.</summary>
    public IReadOnlyList<string> Moved => _moved;

    /// <summary>Runs the check (and the repair).</summary>
    /// <exception cref="DamagedFileException">A file is damaged and quarantine is off, or run.json is damaged with no usable backup.</exception>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var manifests = new ManifestStore(_layout);
        RunManifest manifest;
        try
        {
            manifest = manifests.Load();
        }
        catch (DamagedFileException) when (_quarantine && manifests.LoadBackup() is not null)
        {
            var backup = manifests.LoadBackup()!;
            Quarantine(_layout.Manifest);
            await AtomicFile.WriteAllTextAsync(_layout.Manifest, File.ReadAllText(manifests.BackupPath), cancellationToken).ConfigureAwait(false);
            manifest = backup;
        }

        var changed = false;
        foreach (var record in manifest.Iterations.OrderBy(r => r.Iteration).ToList())
        {
            var i = record.Iteration;
            var phase = record.Phase;
            if (i > 0)
            {
                var samples = new SampleStore(_layout);
                foreach (var foreign in samples.ForeignFiles(i))
                {
                    Fail(foreign, "it is not a sample part this program wrote");
                    phase = Earliest(phase, IterationPhase.Sampling);
                }
                foreach (var part in samples.PartFiles(i))
                {
                    if (!await ReadsAsync<SampleRow>(part, cancellationToken).ConfigureAwait(false)) phase = Earliest(phase, IterationPhase.Sampling);
                }
            }
            if (i != 0)
            {
                // The SFT baseline (iteration -1) has no samples, but a training set and a checkpoint like an iteration.
                if (phase >= IterationPhase.Sealed && !await ReadsAsync<TrainRow>(_layout.TrainSet(i), cancellationToken).ConfigureAwait(false))
                    phase = Earliest(phase, IterationPhase.Sampling);
                if (phase >= IterationPhase.Trained && !CheckpointComplete(_layout.Checkpoint(i)))
                    phase = Earliest(phase, IterationPhase.Sealed);
            }
            if (phase >= IterationPhase.Evaluated && !await ReadsAsync<EvalRow>(_layout.Eval(i), cancellationToken).ConfigureAwait(false))
                phase = Earliest(phase, IterationPhase.Trained);
            if (phase != record.Phase)
            {
                manifest = manifest.With(record with { Phase = phase, UpdatedUtc = DateTime.UtcNow });
                changed = true;
            }
        }
        if (changed) await manifests.SaveAsync(manifest, cancellationToken).ConfigureAwait(false);
    }

    private static IterationPhase Earliest(IterationPhase a, IterationPhase b) => a < b ? a : b;

    private bool CheckpointComplete(string dir)
    {
        if (!Directory.Exists(dir)) return Fail(dir, "the checkpoint folder is missing");
        if (!File.Exists(Path.Combine(dir, "config.json")) || !Directory.EnumerateFiles(dir, "*.safetensors").Any())
            return Fail(dir, "the checkpoint has no config.json or no .safetensors file");
        return true;
    }

    private async Task<bool> ReadsAsync<T>(string path, CancellationToken cancellationToken)
        where T : class, new()
    {
        if (!File.Exists(path)) return Fail(path, "the file is missing");
        try
        {
            await ParquetFile.ReadAsync<T>(path, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DamagedFileException e)
        {
            return Fail(path, e.Problem);
        }
    }

    /// <summary>Reports a damaged file, or quarantines it; returns false (the file is not usable).</summary>
    private bool Fail(string path, string problem)
    {
        if (!_quarantine) throw new DamagedFileException(path, problem);
        if (File.Exists(path) || Directory.Exists(path)) Quarantine(path);
        return false;
    }

    private void Quarantine(string path)
    {
        var relative = Path.GetRelativePath(_layout.Root, path);
        var target = Path.Combine(_layout.Quarantine, relative);
        if (File.Exists(target) || Directory.Exists(target)) target += "." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (Directory.Exists(path)) Directory.Move(path, target);
        else File.Move(path, target);
        _moved.Add(relative);
    }
}
