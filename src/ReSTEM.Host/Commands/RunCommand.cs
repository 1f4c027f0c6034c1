using ReSTEM.Actors.Iteration;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Sampling;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReSTEM.Core.Options;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Tasks.Datasets;
using ReSTEM.Host.Configuration;
using ReSTEM.Host.Console;
using ReSTEM.Host.Hosting;
using ReSTEM.Host.Logging;
using ReSTEM.Host.Reports;
using ReSTEM.Host.Tasks;
using ReSTEM.Host.Telemetry;
using ReSTEM.Model;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Commands;

/// <summary><c>restem run</c> and <c>restem resume</c>: start or carry on a ReST-EM run.</summary>
public static class RunCommand
{
    /// <summary>Runs with the configuration file <paramref name="configFile"/> and overrides; returns the exit code.</summary>
    public static Task<int> RunAsync(string? configFile, IReadOnlyList<string> overrides, string? runDir, bool verbose, bool quarantine, Logs logs, ProcessShutdown shutdown)
    {
        var document = HoconDocument.Load(configFile, overrides);
        return ExecuteAsync(document, runDir, verbose, quarantine, logs, shutdown);
    }

    /// <summary>Carries on the run in <paramref name="runDir"/> with the configuration stored in its manifest.</summary>
    public static Task<int> ResumeAsync(string runDir, IReadOnlyList<string> overrides, bool verbose, bool quarantine, Logs logs, ProcessShutdown shutdown)
    {
        var layout = new RunLayout(runDir);
        if (!File.Exists(layout.Manifest))
            throw new ConfigurationError($"{runDir} is not a run folder: it has no run.json");
        var manifests = new ManifestStore(layout);
        RunManifest manifest;
        try
        {
            manifest = manifests.Load();
        }
        catch (DamagedFileException) when (quarantine && manifests.LoadBackup() is { } backup)
        {
            // The repair in ExecuteAsync moves the damaged run.json aside and restores the backup.
            manifest = backup;
        }
        var document = HoconDocument.FromText(manifest.Config, overrides, layout.Manifest);
        return ExecuteAsync(document, runDir, verbose, quarantine, logs, shutdown);
    }

    private static async Task<int> ExecuteAsync(HoconDocument document, string? runDir, bool verbose, bool quarantine, Logs logs, ProcessShutdown shutdown)
    {
        var options = RunOptionsBinder.Bind(document);
        var device = DeviceCheck.Require(options);
        var dir = RunStarter.RunDirectory(options, runDir);
        await using var telemetry = new RunTelemetry(TelemetryOptions.Bind(document), dir);
        // A live region on a terminal; plain lines (no escape codes) in logs and pipes. --verbose
        // lets the logger write to the console too, which would tear a live region: plain lines then.
        RunOutcome outcome;
        RunManifest? manifest;
        using (var live = logs.Format == LogFormat.Text && LiveConsoleObserver.StandardErrorIsTerminal() && !verbose
                   ? new LiveConsoleObserver(LiveConsoleObserver.StandardErrorConsole(), dir, System.Console.Error)
                   : null)
        {
            // JSON logs replace the display; in text mode the log file gets the same events as entries.
            IRunObserver observer = logs.Format == LogFormat.Json
                ? new ObserverFanOut(new LoggingObserver(logs, warningsAsEntries: true), telemetry)
                : new ObserverFanOut(live is not null ? live : new ConsoleObserver(System.Console.Error, TimeSpan.FromSeconds(2)), new LoggingObserver(logs, warningsAsEntries: false), telemetry);
            (outcome, manifest) = await WorkAsync(document, options, device, dir, verbose, quarantine, logs, telemetry, shutdown, observer);
        }
        if (manifest is not null)
        {
            try
            {
                await using var notes = logs.Format == LogFormat.Json ? new NoticeWriter(logs, "restem.report") : null;
                await ReportCommand.PrintAndWriteAsync(await RunReport.LoadAsync(dir), System.Console.Out, notes ?? System.Console.Error, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The run's own files are complete whatever happens here: a report that cannot be
                // written is a warning, never the run's failure.
                await System.Console.Out.WriteAsync(ResultsTable.From(manifest).RenderText());
                logs.Create("restem.report").Warning($"the report could not be written: {e.Message} (try: restem report {dir})");
            }
        }
        if (outcome.Succeeded || outcome.ExitCode == 0) logs.Notice("restem.run", outcome.Succeeded ? $"done: {outcome.Message}" : outcome.Message);
        else logs.Create("restem.run").Error(outcome.Message);
        return outcome.ExitCode;
    }

    private static async Task<(RunOutcome Outcome, RunManifest? Manifest)> WorkAsync(
        HoconDocument document, RunOptions options, ResolvedDevice device, string dir, bool verbose, bool quarantine, Logs logs, RunTelemetry telemetry, ProcessShutdown shutdown, IRunObserver observer)
    {
        await using var task = TaskCatalog.Create(options, message => observer.Info($"warning: {message}"));
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any() && !File.Exists(new RunLayout(dir).Manifest))
            throw new ConfigurationError($"{dir} exists, is not empty and has no run.json: it is not a run folder. Choose another restem.run-name or --run-dir.");
        using var runLock = RunLock.TryAcquire(new RunLayout(dir))
            ?? throw new ConfigurationError($"another restem process is working on {dir} (see {RunLock.PathOf(new RunLayout(dir))}); wait for it to finish or stop it first");
        logs.OpenFile(Path.Combine(dir, Logs.FileName));
        telemetry.Start();
        if (telemetry.ScrapeUrl is { } scrape) observer.Info($"metrics: Prometheus scrape endpoint {scrape}");
        if (File.Exists(new RunLayout(dir).Manifest) || File.Exists(new RunLayout(dir).Manifest + ".bak"))
        {
            var repair = new RunRepair(new RunLayout(dir), quarantine);
            await repair.CheckAsync(shutdown.Requested);
            foreach (var moved in repair.Moved) observer.Info($"quarantined {moved} (moved to {new RunLayout(dir).Quarantine}); the phase that writes it runs again");
        }
        var run = await RunStarter.OpenAsync(document, options, dir, task.Value, observer, CancellationToken.None);
        logs.Context.SetRun(run.RunId);
        telemetry.SetRun(run.RunId);
        observer.Info($"task {options.Task}: {run.TrainProblems.Count} train, {run.ValidationProblems.Count} validation, {run.TestProblems.Count} test problems; model {options.Model.Base} on {device.Explanation}");
        if (options.Sampling.Distills) observer.Info($"distillation: the teacher {options.Sampling.Model} samples every E-step; {options.Model.Base} is trained");
        if (task.Value is DatasetTask { Skipped.Count: > 0 } dataset) await WriteSkippedAsync(dir, dataset, options, observer);
        var loader = new TorchPolicyLoader(run.Device, new GeneratorOptions { MaxConcurrentSequences = options.Sampling.MaxConcurrentSequences, MaxPromptTokens = options.Prompt.MaxTokens });
        var outcome = await RunHost.RunAsync(
            run, loader, task.Value.Verifier, ClusterOptionsBinder.Bind(document), ClusterOptionsBinder.UserAkka(document), verbose, logs, shutdown);
        await telemetry.CompleteAsync(outcome);
        return (outcome, outcome.Manifest ?? (run.Manifests.Exists ? run.Manifests.Load() : null));
    }

    /// <summary>Reports the problems left out for their prompt's length, and lists them in <c>skipped-problems.json</c>.</summary>
    private static async Task WriteSkippedAsync(string dir, DatasetTask task, RunOptions options, IRunObserver observer)
    {
        var bySplit = task.Skipped.GroupBy(s => s.Split).Select(g => $"{g.Count()} {g.Key.ToName()}");
        var path = Path.Combine(dir, SkippedFileName);
        observer.Info($"skipped {task.Skipped.Count} problems whose prompt is longer than restem.prompt.max-tokens = {options.Prompt.MaxTokens} ({string.Join(", ", bySplit)}); listed in {path}");
        var list = new JsonArray(task.Skipped.Select(s => (JsonNode)new JsonObject
        {
            ["split"] = s.Split.ToName(),
            ["problem_id"] = s.ProblemId,
            ["prompt_tokens"] = s.PromptTokens,
        }).ToArray());
        var json = new JsonObject { ["max_tokens"] = options.Prompt.MaxTokens, ["skipped"] = list };
        await AtomicFile.WriteAllTextAsync(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The run folder's list of problems left out for their prompt's length.</summary>
    public const string SkippedFileName = "skipped-problems.json";
}
