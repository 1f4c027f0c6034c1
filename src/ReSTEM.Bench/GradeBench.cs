using System.Diagnostics;
using System.Text.Json.Nodes;
using Akka.Actor;
using ReSTEM.Actors.Grading;
using ReSTEM.Actors.Hosting;
using ReSTEM.Actors.Verification;
using ReSTEM.Core.Datasets;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;
using ReSTEM.Core.Verification.MathAnswers;
using ReSTEM.Sandbox;

namespace ReSTEM.Bench;

/// <summary>
/// <c>grade</c>: rows per second of <c>restem grade</c>'s path (reader, verifier pool through the
/// actor system, writer) for math grading (GSM8K test answers as completions) and for
/// HumanEval code grading (the canonical solutions, in the sandbox), beside the same HumanEval
/// programs run bare with <c>/usr/bin/python3 -I</c> (prompt + completion + test + check), with
/// the same number of processes at once.
/// Usage: <c>grade [--datasets DIR] [--repeat N] [--parallel P]</c>.
/// </summary>
internal static class GradeBench
{
    public static int Run(string[] args)
    {
        var datasets = BenchArguments.Text(args, "--datasets") ?? Path.Combine("..", "shared", "datasets");
        var repeat = (int)BenchArguments.Number(args, "--repeat", 10);
        var parallel = (int)BenchArguments.Number(args, "--parallel", Environment.ProcessorCount);
        var work = Path.Combine(Path.GetTempPath(), "restem-grade-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        Console.WriteLine($"# grade benchmark: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, parallel {parallel}");
        try
        {
            var gsm = Path.Combine(work, "gsm8k.jsonl");
            using (var writer = new StreamWriter(gsm))
            {
                var rows = JsonlFile.Read(Path.Combine(datasets, "gsm8k", "test.jsonl")).ToList();
                for (var r = 0; r < repeat; r++)
                {
                    foreach (var row in rows)
                    {
                        var copy = (JsonObject)row.Fields.DeepClone();
                        copy["completion"] = copy["answer"]!.GetValue<string>();
                        writer.WriteLine(copy.ToJsonString());
                    }
                }
            }
            var mathRate = Grade("gsm8k", gsm, new MathVerifier(MathVerifierMode.Gsm8k), parallel, work);
            using var self = Process.GetCurrentProcess();
            Console.WriteLine($"math (gsm8k, {repeat} x 1,319 = {repeat * 1319:N0} reference answers): {mathRate:N0} rows/s; peak RSS of the process {self.PeakWorkingSet64 / 1e6:F0} MB");

            var humanEval = Path.Combine(datasets, "humaneval", "HumanEval.jsonl.gz");
            var samples = Path.Combine(work, "humaneval.jsonl");
            var problems = JsonlFile.Read(humanEval).ToList();
            using (var writer = new StreamWriter(samples))
            {
                foreach (var row in problems)
                {
                    writer.WriteLine(new JsonObject { ["task_id"] = row.Fields["task_id"]!.GetValue<string>(), ["completion"] = row.Fields["canonical_solution"]!.GetValue<string>() }.ToJsonString());
                }
            }
            double codeRate;
            using (var sandbox = SandboxFactory.Create(new SandboxOptions { Slots = parallel }))
            {
                codeRate = Grade("humaneval", samples, new CodeVerifier(sandbox), parallel, work, humanEval);
            }
            var bareRate = Bare(problems, parallel);
            Console.WriteLine($"code (HumanEval, 164 canonical solutions): sandboxed through grade {codeRate:F1} rows/s; bare python3 -I {bareRate:F1} programs/s; ratio {bareRate / codeRate:F2}x");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double Grade(string task, string input, IVerifier verifier, int parallel, string work, string? problemsFile = null)
    {
        using var system = ActorSystem.Create("grade-bench", ReSTEMAkkaExtensions.BaseHocon);
        var dispatcher = system.ActorOf(VerificationDispatcher.Props());
        for (var i = 0; i < parallel; i++) system.ActorOf(VerifierActor.Props(dispatcher, verifier, 2, TimeSpan.FromMinutes(1)));
        var problems = problemsFile is null ? null : GradeInput.LoadProblemsAsync(task, problemsFile, default).GetAwaiter().GetResult();
        var gradeInput = new GradeInput(task, input, problems);
        var runner = new GradeRunner(system, dispatcher, new GradeOptions { Parallelism = parallel });
        var clock = Stopwatch.StartNew();
        var scan = runner.ScanAsync(gradeInput, default).GetAwaiter().GetResult();
        var result = runner.GradeAsync(gradeInput, scan, Path.Combine(work, task + ".out.parquet"), task == "gsm8k", null, default).GetAwaiter().GetResult();
        if (result.Summary.Passed != result.Summary.Rows) throw new InvalidOperationException($"{task}: only {result.Summary.Passed} of {result.Summary.Rows} reference completions passed");
        return result.Summary.Rows / clock.Elapsed.TotalSeconds;
    }

    private static double Bare(IReadOnlyList<DataRow> problems, int parallel)
    {
        var programs = problems.Select(p => p.Fields["prompt"]!.GetValue<string>() + p.Fields["canonical_solution"]!.GetValue<string>() + "\n"
            + p.Fields["test"]!.GetValue<string>() + $"\ncheck({p.Fields["entry_point"]!.GetValue<string>()})\n").ToList();
        var clock = Stopwatch.StartNew();
        Parallel.ForEach(programs, new ParallelOptions { MaxDegreeOfParallelism = parallel }, program =>
        {
            var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("-I");
            info.ArgumentList.Add("-");
            using var process = Process.Start(info)!;
            process.StandardInput.Write(program);
            process.StandardInput.Close();
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException("a canonical solution failed bare");
        });
        return programs.Count / clock.Elapsed.TotalSeconds;
    }
}
