using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReSTEM.Actors.Evaluation;
using ReSTEM.Actors.Hosting;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Training;
using ReSTEM.Actors.Verification;
using ReSTEM.Host.Configuration;
using ReSTEM.Host.Console;
using ReSTEM.Host.Hosting;
using ReSTEM.Host.Logging;
using ReSTEM.Host.Tasks;
using ReSTEM.Model;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Commands;

/// <summary>
/// <c>restem eval</c>: scores any checkpoint folder (a run's <c>iter-&lt;i&gt;/checkpoint</c> or a
/// Hugging Face folder the model code loads) on the configured task's test split (and
/// validation split) with the run's own evaluation: greedy pass@1, sampled pass@k and maj@k,
/// per difficulty. Writes <c>eval.parquet</c> (the run's columns) and <c>metrics.json</c> into
/// the output folder and prints the metrics. With the run's configuration and iteration, the
/// same sampling seeds are drawn, so a run's checkpoint scores what the run recorded.
/// </summary>
public static partial class EvalCommand
{
    private const string Category = "restem.eval";

    /// <summary>What the command was asked.</summary>
    /// <param name="Checkpoint">The checkpoint folder.</param>
    /// <param name="Config">The HOCON configuration file (task, data, evaluation settings).</param>
    /// <param name="Overrides">--set values.</param>
    /// <param name="Output">The output folder.</param>
    /// <param name="Iteration">The iteration the rows carry (and that picks the seeds); null: from an <c>iter-&lt;i&gt;/checkpoint</c> path, else 0.</param>
    public sealed record Request(string Checkpoint, string? Config, IReadOnlyList<string> Overrides, string Output, int? Iteration);

    /// <summary>Runs the evaluation; returns the exit code.</summary>
    public static async Task<int> RunAsync(Request request, Logs logs, ProcessShutdown shutdown)
    {
        var checkpoint = Path.GetFullPath(request.Checkpoint);
        if (!Directory.Exists(checkpoint))
            throw new ConfigurationError($"--checkpoint {request.Checkpoint}: the folder does not exist");
        if (!File.Exists(Path.Combine(checkpoint, "config.json")))
            throw new ConfigurationError($"--checkpoint {request.Checkpoint}: not a checkpoint folder (it has no config.json; expected config.json, model.safetensors and tokenizer files)");
        if (request.Iteration is < 0)
            throw new ConfigurationError($"--iteration {request.Iteration}: expected 0 or more");
        var output = Path.GetFullPath(request.Output);
        if (File.Exists(output)) throw new ConfigurationError($"--output {request.Output}: a file; expected a folder");

        var document = HoconDocument.Load(request.Config, request.Overrides);
        var options = RunOptionsBinder.Bind(document);
        var device = DeviceCheck.Require(options);
        var iteration = request.Iteration ?? IterationOf(checkpoint);
        var log = logs.Create(Category);
        await using var task = TaskCatalog.Create(options, message => log.Warning(message));
        Directory.CreateDirectory(output);
        IRunObserver observer = logs.Format == LogFormat.Json
            ? new LoggingObserver(logs, warningsAsEntries: true)
            : new ConsoleObserver(System.Console.Error, LoggingObserver.ProgressInterval);
        var run = new RunContext(options, task.Value, new RunLayout(output), $"eval-{DateTime.UtcNow:yyyyMMddHHmmss}", observer);
        logs.Notice(Category, $"evaluating {checkpoint} as iteration {iteration} on {run.TestProblems.Count} test and {run.ValidationProblems.Count} validation problems of task {options.Task}; device {device.Explanation}");

        var cancel = shutdown.Requested;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IHostLifetime>(shutdown);
        logs.AddTo(builder.Services);
        builder.Services.AddAkka("restem-eval", (akka, _) => akka.WithLogs().WithVerifierPool(task.Value.Verifier, options.Verification));
        using var host = builder.Build();
        await host.StartAsync(cancel);
        try
        {
            var dispatcher = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<VerificationDispatcher>(cancel);
            var verification = new DispatcherVerificationService(
                dispatcher, options.Verification.EffectiveParallelism, TimeSpan.FromSeconds(options.Pipeline.VerifyTimeoutSeconds));
            var evaluation = new CheckpointEvaluation(run, new PolicyEvaluator(task.Value, verification, options.Sampling.Decoding));
            using var policy = LoadCheckpoint(request.Checkpoint, checkpoint, run);
            var generator = new Generator(policy, new GeneratorOptions { MaxConcurrentSequences = options.Sampling.MaxConcurrentSequences, MaxPromptTokens = options.Prompt.MaxTokens }, CheckpointIds.For(iteration, policy.WeightsDigest()));
            var progress = new SynchronousProgress<(string Part, int Done, int Total)>(p => run.Observer.Progress(iteration, "evaluating", p.Done, p.Total, p.Part));
            var (rows, metrics) = await evaluation.ScoreAsync(iteration, generator, progress, cancel);
            var evalPath = Path.Combine(output, "eval.parquet");
            var metricsPath = Path.Combine(output, "metrics.json");
            await TableStore.WriteEvaluationAsync(evalPath, metricsPath, rows.ToList(), metrics, cancel);
            System.Console.Out.Write(Describe(metrics));
            logs.Notice(Category, $"wrote {evalPath} ({rows.Count} rows) and {metricsPath}");
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            logs.Notice(Category, $"stopped on {shutdown.Reason}; nothing was written");
            return 0;
        }
        finally
        {
            using var timeout = new CancellationTokenSource(RunHost.StopTimeout);
            await host.StopAsync(timeout.Token);
        }
    }

    private static Policy LoadCheckpoint(string named, string checkpoint, RunContext run)
    {
        try
        {
            // Evaluation only generates: one copy of the weights in the compute precision; the id's
            // digest is taken over the checkpoint's tensors as they are read, before the cast.
            return Policy.LoadForInference(checkpoint, run.Device, withDigest: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or System.Text.Json.JsonException or FormatException or ArgumentException)
        {
            // The folder is the user's input: what it lacks or holds wrongly is named, not a crash.
            throw new ConfigurationError($"--checkpoint {named}: cannot load it: {e.Message}", e);
        }
    }

    /// <summary>The iteration of a run's checkpoint folder (<c>.../iter-&lt;i&gt;/checkpoint</c>); 0 for any other folder.</summary>
    public static int IterationOf(string checkpointDir)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpointDir));
        if (!string.Equals(Path.GetFileName(full), "checkpoint", StringComparison.Ordinal)) return 0;
        var match = IterationFolder().Match(Path.GetFileName(Path.GetDirectoryName(full)) ?? "");
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The printed metrics: the headline first, then one line per difficulty level.</summary>
    public static string Describe(IReadOnlyDictionary<string, double> metrics)
    {
        static string Format(double value) => (100 * value).ToString("F2", CultureInfo.InvariantCulture) + "%";
        var lines = new List<string>
        {
            "metrics: " + string.Join(", ", metrics.Where(kv => !kv.Key.Contains('/')).Select(kv => $"{kv.Key} {Format(kv.Value)}")),
        };
        foreach (var group in metrics.Where(kv => kv.Key.Contains('/')).GroupBy(kv => kv.Key[(kv.Key.IndexOf('/') + 1)..]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            lines.Add($"  {group.Key}: " + string.Join(", ", group.Select(kv => $"{kv.Key[..kv.Key.IndexOf('/')]} {Format(kv.Value)}")));
        }
        return string.Join("\n", lines) + "\n";
    }

    [GeneratedRegex(@"^iter-(\d+)$")]
    private static partial Regex IterationFolder();
}
