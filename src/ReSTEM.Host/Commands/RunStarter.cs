using ReSTEM.Actors.Runs;
using ReSTEM.Core.Options;
using ReSTEM.Core.Tasks;
using ReSTEM.Host.Configuration;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Commands;

/// <summary>
/// Opens a run folder: creates it with its manifest for a new run, or checks that a stopped run
/// may be carried on with this configuration (refusing, with the differing keys, when not).
/// </summary>
public static class RunStarter
{
    /// <summary>The run folder of <paramref name="options"/> unless <paramref name="runDir"/> names one.</summary>
    public static string RunDirectory(RunOptions options, string? runDir) =>
        Path.GetFullPath(runDir ?? Path.Combine(options.RunsDirectory, options.RunName));

    /// <summary>Opens (or creates) the run and returns its context.</summary>
    /// <exception cref="ConfigurationError">The configuration differs from the stored run's, or the folder is not a run.</exception>
    public static async Task<RunContext> OpenAsync(
        HoconDocument document, RunOptions options, string runDir, ITask task, IRunObserver observer, CancellationToken cancellationToken)
    {
        var layout = new RunLayout(runDir);
        var manifests = new ManifestStore(layout);
        var keys = ResumeKeys.From(document);
        string runId;
        if (manifests.Exists)
        {
            RunManifest manifest;
            try
            {
                manifest = manifests.Load();
            }
            catch (DamagedFileException e)
            {
                throw new ConfigurationError(e.Message, e);
            }
            // A key the service gained after the run began reads as its default in the stored run:
            // set to that default now, it changes nothing the run did.
            var stored = new Dictionary<string, string>(manifest.ResumeKeys, StringComparer.Ordinal);
            foreach (var (key, value) in document.ReferenceLeaves)
            {
                if (!stored.ContainsKey(key) && keys.ContainsKey(key)) stored[key] = value;
            }
            var differences = ManifestStore.Differences(stored, keys);
            if (differences.Count > 0)
                throw new ConfigurationError(
                    $"{layout.Manifest}: this run was started with a different configuration, so carrying it on would mix incompatible data. "
                    + $"Differing keys: {string.Join("; ", differences)}. Use the original settings, or start a new run with another restem.run-name or --run-dir.");
            runId = manifest.RunId;
            if (manifest.IterationsPlanned != options.Iterations)
                await manifests.SaveAsync(manifest with { IterationsPlanned = options.Iterations, StoppedEarly = null, Config = document.Render() }, cancellationToken);
            observer.Info($"carrying on run {runId} in {runDir}");
        }
        else
        {
            Directory.CreateDirectory(runDir);
            runId = $"{options.RunName}-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
            await manifests.SaveAsync(new RunManifest
            {
                RunId = runId,
                CreatedUtc = DateTime.UtcNow,
                Task = options.Task,
                BaseModel = options.Model.Base,
                ConfigHash = ManifestStore.HashKeys(keys),
                ResumeKeys = keys,
                Config = document.Render(),
                IterationsPlanned = options.Iterations,
            }, cancellationToken);
            observer.Info($"new run {runId} in {runDir}");
        }
        return new RunContext(options, task, layout, runId, observer);
    }
}
