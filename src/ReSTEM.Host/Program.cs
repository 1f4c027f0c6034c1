using System.CommandLine;
using ReSTEM.Core.Datasets;
using ReSTEM.Host.Commands;
using ReSTEM.Host.Configuration;
using ReSTEM.Host.Hosting;
using ReSTEM.Host.Logging;
using ReSTEM.Sandbox;
using ReSTEM.Storage.Files;

namespace ReSTEM.Host;

/// <summary>
/// The <c>restem</c> executable. Exit codes: 0 done (also after a clean stop on SIGTERM or
/// SIGINT); 2 bad configuration or input, with a message naming the key or file; 1 failure.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        using var shutdown = ProcessShutdown.Install();
        var code = await RunAsync(args, shutdown);
        shutdown.Complete(code);
        return code;
    }

    private static async Task<int> RunAsync(string[] args, ProcessShutdown shutdown)
    {
        var root = BuildCommandLine(shutdown);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) await System.Console.Error.WriteLineAsync($"error: {error.Message}");
            await System.Console.Error.WriteLineAsync("see: restem --help");
            return 2;
        }
        var format = parsed.GetValue<string>("--log-format") == "json" ? LogFormat.Json : LogFormat.Text;
        Task Fail(string message) => System.Console.Error.WriteLineAsync(format == LogFormat.Json
            ? LogLine.Format(format, DateTimeOffset.UtcNow, Microsoft.Extensions.Logging.LogLevel.Error, "restem", message, new RunLogContext.Snapshot(null, null, null), null)
            : $"error: {message}");
        try
        {
            // System.CommandLine's own signal handling would end the process 2 s after SIGTERM with
            // native training threads still running; ProcessShutdown stops the work first.
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (ConfigurationError e)
        {
            await Fail(e.Message);
            return 2;
        }
        catch (DamagedFileException e)
        {
            await Fail(e.Message);
            return 2;
        }
        catch (SandboxUnavailableException e)
        {
            await Fail($"the code sandbox is not available on this machine: {e.Message}");
            return 1;
        }
        catch (DatasetFormatException e)
        {
            await Fail($"{e.Message}. Nothing was graded; fix the row, or use --skip-bad-rows to grade the rest and set such rows aside.");
            return 2;
        }
        catch (Exception e)
        {
            // Escaping Main, the exception would abort the process (SIGABRT, exit 134) before the
            // shutdown hook runs; the documented code for a failure is 1, with what happened.
            await Fail($"the command failed: {e}");
            return 1;
        }
    }

    /// <summary>The command tree.</summary>
    public static RootCommand BuildCommandLine(ProcessShutdown shutdown)
    {
        var root = new RootCommand("ReSTEM.Actors: ReST-EM self-training of language models on problems a program can check.");

        var logFormat = new Option<string>("--log-format")
        {
            Description = "text or json: one JSON object a line with time, level, category, message (and run_id, iteration, phase during a run)",
            Recursive = true,
            DefaultValueFactory = _ => "text",
        };
        logFormat.AcceptOnlyFromAmong("text", "json");
        root.Options.Add(logFormat);

        var config = new Option<string>("--config") { Description = "HOCON configuration file (e.g. hocon/tiny.conf)", Required = true };
        var set = new Option<string[]>("--set") { Description = "override one key: --set restem.iterations=2 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var runDir = new Option<string?>("--run-dir") { Description = "run folder (default: runs-dir/run-name from the configuration)" };
        var verbose = new Option<bool>("--verbose") { Description = "log the actor system's informational messages" };
        var quarantine = new Option<bool>("--quarantine") { Description = "move damaged or foreign files of the run folder to its quarantine/ folder and redo what they held" };

        var run = new Command("run", "start a run, or carry on the run already in its folder") { config, set, runDir, verbose, quarantine };
        run.SetAction((result, _) => WithLogs(result, logFormat, result.GetValue(verbose), logs =>
            RunCommand.RunAsync(result.GetValue(config), result.GetValue(set) ?? [], result.GetValue(runDir), result.GetValue(verbose), result.GetValue(quarantine), logs, shutdown)));
        root.Subcommands.Add(run);

        var dir = new Argument<string>("DIR") { Description = "the run folder" };
        var resume = new Command("resume", "carry on a stopped run with the configuration stored in its run.json") { dir, set, verbose, quarantine };
        resume.SetAction((result, _) => WithLogs(result, logFormat, result.GetValue(verbose), logs =>
            RunCommand.ResumeAsync(result.GetValue(dir)!, result.GetValue(set) ?? [], result.GetValue(verbose), result.GetValue(quarantine), logs, shutdown)));
        root.Subcommands.Add(resume);

        var task = new Option<string>("--task") { Description = "gsm8k, math, humaneval, mbpp, apps, arithmetic or code", Required = true };
        var input = new Option<string>("--input") { Description = "completions: .jsonl, .jsonl.gz or .parquet, each row with a 'completion' field", Required = true };
        var output = new Option<string>("--output") { Description = "graded rows: .jsonl, .jsonl.gz or .parquet (written atomically)", Required = true };
        var problems = new Option<string?>("--problems") { Description = "the dataset file, when rows carry only an id (task_id) and a completion" };
        var parallel = new Option<int>("--parallel") { Description = "verifications at once (0 = one per core)", DefaultValueFactory = _ => 0 };
        var timeout = new Option<double>("--timeout") { Description = "seconds one program may run (code tasks)", DefaultValueFactory = _ => 10 };
        var skipBad = new Option<bool>("--skip-bad-rows") { Description = "grade the readable rows; write the malformed ones to <output>.rejected.jsonl" };
        var summary = new Option<string?>("--summary") { Description = "also write the summary as JSON to this file" };
        var quiet = new Option<bool>("--quiet") { Description = "no progress lines" };
        var grade = new Command("grade", "score completions that any system produced, with the project's verifiers") { task, input, output, problems, parallel, timeout, skipBad, summary, quiet };
        grade.SetAction((result, _) => WithLogs(result, logFormat, false, logs => GradeCommand.RunAsync(new GradeCommand.Request(
            result.GetValue(task)!, result.GetValue(input)!, result.GetValue(output)!, result.GetValue(problems), result.GetValue(parallel),
            result.GetValue(timeout), result.GetValue(skipBad), result.GetValue(summary), result.GetValue(quiet)), logs, shutdown)));
        root.Subcommands.Add(grade);

        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint folder: a run's iter-<i>/checkpoint or a Hugging Face model folder", Required = true };
        var evalConfig = new Option<string>("--config") { Description = "HOCON configuration file naming the task, its data and the evaluation settings", Required = true };
        var evalOutput = new Option<string>("--output") { Description = "output folder for eval.parquet and metrics.json", Required = true };
        var evalIteration = new Option<int?>("--iteration") { Description = "iteration the rows carry and whose sampling seeds are drawn (default: i of an iter-<i>/checkpoint folder, else 0)" };
        var eval = new Command("eval", "evaluate a checkpoint on the configured task's test split: pass@1 (greedy), pass@k and maj@k, per difficulty")
            { checkpoint, evalConfig, set, evalOutput, evalIteration };
        eval.SetAction((result, _) => WithLogs(result, logFormat, false, logs => EvalCommand.RunAsync(new EvalCommand.Request(
            result.GetValue(checkpoint)!, result.GetValue(evalConfig), result.GetValue(set) ?? [], result.GetValue(evalOutput)!, result.GetValue(evalIteration)), logs, shutdown)));
        root.Subcommands.Add(eval);

        var exportDir = new Argument<string>("DIR") { Description = "the run folder" };
        var exportIteration = new Option<int>("--iteration") { Description = "the iteration whose data is exported", Required = true };
        var exportFormat = new Option<string>("--format") { Description = "jsonl, parquet (prompt/completion columns) or hf (JSONL with a messages column)", Required = true };
        exportFormat.AcceptOnlyFromAmong([.. ExportCommand.Formats]);
        var allAccepted = new Option<bool>("--all-accepted") { Description = "every sample the verifier accepted (iter-<i>/samples), not only D_i after dedup and cap" };
        var exportOutput = new Option<string>("--output") { Description = "the file to write (atomically)", Required = true };
        var export = new Command("export", "export D_i (or every accepted sample) of an iteration as a dataset other tools train on")
            { exportDir, exportIteration, exportFormat, allAccepted, exportOutput };
        export.SetAction((result, _) => WithLogs(result, logFormat, false, logs => ExportCommand.RunAsync(new ExportCommand.Request(
            result.GetValue(exportDir)!, result.GetValue(exportIteration), result.GetValue(exportFormat)!, result.GetValue(allAccepted), result.GetValue(exportOutput)!), logs, shutdown.Requested)));
        root.Subcommands.Add(export);

        var baseOutput = new Option<string?>("--output") { Description = "the checkpoint folder to write (default: data/base-models/<run-name>)" };
        var pretrain = new Command("pretrain", "make the built-in base model of a configuration from its recorded seed, for restem.model.base") { config, set, baseOutput };
        pretrain.SetAction((result, _) => PretrainCommand.RunAsync(result.GetValue(config)!, result.GetValue(set) ?? [], result.GetValue(baseOutput), shutdown));
        root.Subcommands.Add(pretrain);

        var reportDir = new Argument<string>("DIR") { Description = "the run folder (finished, stopped or still running)" };
        var report = new Command("report",
            "print the results table of a run (D_i, pass@1, pass@k, maj@k, pass@1 per difficulty level, validation) and the best iteration's gain; " +
            "write report.md and report.png (test pass@1 by iteration) into the run folder") { reportDir };
        report.SetAction((result, _) => ReportCommand.RunAsync(result.GetValue(reportDir)!, shutdown.Requested));
        root.Subcommands.Add(report);

        var seed = new Option<string>("--seed") { Description = "host:port of a cluster node to join: the run's restem.cluster.hostname and port", Required = true };
        var workerConfig = new Option<string?>("--config") { Description = "the run's HOCON configuration (it names the task whose verifier this node runs)" };
        var workerParallelism = new Option<int?>("--parallelism") { Description = "verifications this node runs at once (default: restem.verification.parallelism; 0 = one per core)" };
        var workerPort = new Option<int>("--port") { Description = "the port this node's remoting binds to (0 = any free port)", DefaultValueFactory = _ => 0 };
        var worker = new Command("worker", "a verifier node: join a run's cluster and verify its samples (no GPU, no model)") { seed, workerConfig, set, workerParallelism, workerPort };
        worker.SetAction((result, _) => WithLogs(result, logFormat, false, logs =>
            WorkerCommand.RunAsync(result.GetValue(workerConfig), result.GetValue(set) ?? [], result.GetValue(seed)!, result.GetValue(workerParallelism), result.GetValue(workerPort), logs, shutdown)));
        root.Subcommands.Add(worker);

        return root;
    }

    private static async Task<int> WithLogs(ParseResult result, Option<string> format, bool verbose, Func<Logs, Task<int>> command)
    {
        using var logs = new Logs(result.GetValue(format) == "json" ? LogFormat.Json : LogFormat.Text, verbose);
        return await command(logs);
    }
}
