using System.CommandLine;
using ReSTEM.Core.Datasets;
using ReSTEM.Host.Commands;
using ReSTEM.Host.Configuration;
using ReSTEM.Host.Hosting;
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
        try
        {
            // System.CommandLine's own signal handling would end the process 2 s after SIGTERM with
            // native training threads still running; ProcessShutdown stops the work first.
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (ConfigurationError e)
        {
            await System.Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        catch (DamagedFileException e)
        {
            await System.Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        catch (SandboxUnavailableException e)
        {
            await System.Console.Error.WriteLineAsync($"error: the code sandbox is not available on this machine: {e.Message}");
            return 1;
        }
        catch (DatasetFormatException e)
        {
            await System.Console.Error.WriteLineAsync($"error: {e.Message}. Nothing was graded; fix the row, or use --skip-bad-rows to grade the rest and set such rows aside.");
            return 2;
        }
        catch (Exception e)
        {
            // Escaping Main, the exception would abort the process (SIGABRT, exit 134) before the
            // shutdown hook runs; the documented code for a failure is 1, with what happened.
            await System.Console.Error.WriteLineAsync($"error: the command failed: {e}");
            return 1;
        }
    }

    /// <summary>The command tree.</summary>
    public static RootCommand BuildCommandLine(ProcessShutdown shutdown)
    {
        var root = new RootCommand("ReSTEM.Actors: ReST-EM self-training of language models on problems a program can check.");

        var config = new Option<string>("--config") { Description = "HOCON configuration file (e.g. hocon/tiny.conf)", Required = true };
        var set = new Option<string[]>("--set") { Description = "override one key: --set restem.iterations=2 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var runDir = new Option<string?>("--run-dir") { Description = "run folder (default: runs-dir/run-name from the configuration)" };
        var verbose = new Option<bool>("--verbose") { Description = "log the actor system's informational messages" };
        var quarantine = new Option<bool>("--quarantine") { Description = "move damaged or foreign files of the run folder to its quarantine/ folder and redo what they held" };

        var run = new Command("run", "start a run, or carry on the run already in its folder") { config, set, runDir, verbose, quarantine };
        run.SetAction((result, _) => RunCommand.RunAsync(result.GetValue(config), result.GetValue(set) ?? [], result.GetValue(runDir), result.GetValue(verbose), result.GetValue(quarantine), shutdown));
        root.Subcommands.Add(run);

        var dir = new Argument<string>("DIR") { Description = "the run folder" };
        var resume = new Command("resume", "carry on a stopped run with the configuration stored in its run.json") { dir, set, verbose, quarantine };
        resume.SetAction((result, _) => RunCommand.ResumeAsync(result.GetValue(dir)!, result.GetValue(set) ?? [], result.GetValue(verbose), result.GetValue(quarantine), shutdown));
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
        grade.SetAction((result, _) => GradeCommand.RunAsync(new GradeCommand.Request(
            result.GetValue(task)!, result.GetValue(input)!, result.GetValue(output)!, result.GetValue(problems), result.GetValue(parallel),
            result.GetValue(timeout), result.GetValue(skipBad), result.GetValue(summary), result.GetValue(quiet)), shutdown));
        root.Subcommands.Add(grade);

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

        return root;
    }
}
