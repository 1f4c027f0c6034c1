using System.Diagnostics;
using System.Text.Json;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Training;
using ReSTEM.Core.Options;
using ReSTEM.Host.Configuration;
using ReSTEM.Host.Console;
using ReSTEM.Host.Hosting;
using ReSTEM.Host.Tasks;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Commands;

/// <summary>
/// <c>restem pretrain</c>: makes the built-in base model of a configuration (random weights from
/// <c>restem.seed</c>, then the task's human solutions, as <c>restem.model.pretrain</c> says) and
/// commits it as a checkpoint folder with a <c>pretrain.json</c> record of how it was made. A run
/// uses it with <c>--set restem.model.base=DIR</c> instead of training its own, so one base can be
/// made once (on a bigger machine, or for longer) and shared.
/// </summary>
public static class PretrainCommand
{
    /// <summary>The record written beside the weights.</summary>
    public const string RecordFile = "pretrain.json";

    /// <summary>Makes the base model; returns the exit code.</summary>
    public static async Task<int> RunAsync(string configFile, IReadOnlyList<string> overrides, string? output, ProcessShutdown shutdown)
    {
        var document = HoconDocument.Load(configFile, overrides);
        var options = RunOptionsBinder.Bind(document);
        if (options.Model.Base != ModelOptions.BuiltIn)
            throw new ConfigurationError($"restem.model.base is '{options.Model.Base}': only the built-in model is pre-trained; a Hugging Face model is used as it is");
        var device = DeviceCheck.Require(options);
        var target = Path.GetFullPath(output ?? Path.Combine("data", "base-models", options.RunName));
        if (File.Exists(target) || (Directory.Exists(target) && !File.Exists(Path.Combine(target, RecordFile)) && Directory.EnumerateFileSystemEntries(target).Any()))
            throw new ConfigurationError($"--output {target} exists and is not a base model this command made; choose another folder");

        var observer = new ConsoleObserver(System.Console.Error, TimeSpan.FromSeconds(2));
        await using var task = TaskCatalog.Create(options, message => observer.Info($"warning: {message}"));
        var work = AtomicFile.TempPathFor(target);
        Directory.CreateDirectory(work);
        try
        {
            var run = new RunContext(options, task.Value, new RunLayout(work), $"pretrain-{options.RunName}", observer);
            observer.Info($"pre-training the built-in base model of task {options.Task} (seed {options.Seed}) into {target} on {device.Explanation}");
            var clock = Stopwatch.StartNew();
            var builder = new BaseModelBuilder(run);
            var progress = new SynchronousProgress<string>(status => observer.Progress(0, "pretrain", 0, 0, status));
            var digest = await Task.Factory.StartNew(() => builder.Build(progress, shutdown.Requested),
                shutdown.Requested, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            var checkpoint = run.Layout.Checkpoint(0);
            var record = new Dictionary<string, object>
            {
                ["task"] = options.Task,
                ["seed"] = options.Seed,
                ["weights_sha256"] = digest,
                ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
                ["created_utc"] = DateTime.UtcNow,
                ["cpu_count"] = Environment.ProcessorCount,
                ["human_solutions"] = builder.HumanExamples().Count,
                ["config"] = document.Render(),
            };
            await AtomicFile.WriteAllTextAsync(Path.Combine(checkpoint, RecordFile), JsonSerializer.Serialize(record, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            AtomicFile.CommitDirectory(checkpoint, target);
            System.Console.Out.WriteLine($"base model {digest[..12]} made in {clock.Elapsed.TotalSeconds:F0} s: {target}");
            System.Console.Out.WriteLine($"use it with: ./run.sh run --config {configFile} --set restem.model.base={target}");
            return 0;
        }
        catch (OperationCanceledException) when (shutdown.Requested.IsCancellationRequested)
        {
            System.Console.Error.WriteLine($"stopped on {shutdown.Reason ?? "request"}; nothing was written to {target}");
            return 0;
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }
}
