using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReSTEM.Actors.Grading;
using ReSTEM.Actors.Hosting;
using ReSTEM.Actors.Verification;
using ReSTEM.Core.Datasets;
using ReSTEM.Core.Options;
using ReSTEM.Host.Configuration;
using ReSTEM.Host.Hosting;
using ReSTEM.Host.Logging;
using ReSTEM.Host.Tasks;

namespace ReSTEM.Host.Commands;

/// <summary>
/// <c>restem grade</c>: scores completions that any system produced (JSONL, JSONL.gz or Parquet
/// in; JSONL or Parquet out) with the project's verifiers, through the same verifier pool the
/// E-step uses. Exit 0 when the job completes and every row was verified (whatever the
/// verdicts), 2 for bad input (named by line and field, before anything is graded), 1 for a
/// failure of the machinery: also when some rows could not be verified (verdict
/// <c>sandbox_error</c>), though their output and the summary are written, so that a script
/// never takes a reward of 0 that nobody judged for a verdict on the candidate.
/// </summary>
public static class GradeCommand
{
    private const string Category = "restem.grade";

    /// <summary>What the command was asked.</summary>
    public sealed record Request(
        string Task, string Input, string Output, string? Problems, int Parallelism, double TimeoutSeconds, bool SkipBadRows, string? Summary, bool Quiet);

    /// <summary>Runs the grading job; returns the exit code.</summary>
    public static async Task<int> RunAsync(Request request, Logs logs, ProcessShutdown shutdown)
    {
        if (!ProblemReaders.Tasks.Contains(request.Task))
            throw new ConfigurationError($"--task {request.Task}: unknown task; known: {string.Join(", ", ProblemReaders.Tasks)}");
        if (!File.Exists(request.Input)) throw new ConfigurationError($"--input {request.Input}: the file does not exist");
        if (request.Problems is not null && !File.Exists(request.Problems)) throw new ConfigurationError($"--problems {request.Problems}: the file does not exist");
        if (Path.GetFullPath(request.Input) == Path.GetFullPath(request.Output)) throw new ConfigurationError("--output must not be the input file");
        if (request.Parallelism < 0) throw new ConfigurationError($"--parallel {request.Parallelism}: expected 0 (one per core) or more");
        if (!(request.TimeoutSeconds > 0)) throw new ConfigurationError($"--timeout {request.TimeoutSeconds}: expected a number of seconds > 0");

        var verification = new VerificationOptions { Parallelism = request.Parallelism, TimeoutSeconds = request.TimeoutSeconds };
        var cancel = shutdown.Requested;
        GradeInput input;
        try
        {
            var problems = request.Problems is null ? null : await GradeInput.LoadProblemsAsync(request.Task, request.Problems, cancel);
            input = new GradeInput(request.Task, request.Input, problems);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationError(e.Message, e);
        }
        await using var verifier = GradeVerifiers.Create(request.Task, verification, message => logs.Create(Category).Warning(message));

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IHostLifetime>(shutdown);
        logs.AddTo(builder.Services);
        builder.Services.AddAkka("restem-grade", (akka, _) => akka.WithLogs().WithVerifierPool(verifier.Value, verification));
        using var host = builder.Build();
        await host.StartAsync(cancel);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var dispatcher = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<VerificationDispatcher>(cancel);
            var runner = new GradeRunner(system, dispatcher, new GradeOptions
            {
                Parallelism = verification.EffectiveParallelism,
                SkipBadRows = request.SkipBadRows,
                VerifyTimeout = TimeSpan.FromSeconds(Math.Max(60, request.TimeoutSeconds * 10)),
            });

            var scan = await runner.ScanAsync(input, cancel);
            logs.Notice(Category, $"grading {scan.Rows} rows of {request.Input} as {request.Task} with {verification.EffectiveParallelism} verifiers"
                + (scan.BadRows > 0 ? $" ({scan.BadRows} malformed rows will be set aside)" : ""));
            var progress = request.Quiet ? null : new ThrottledProgress(TimeSpan.FromSeconds(2), line => logs.Notice(Category, line));
            var result = await runner.GradeAsync(input, scan, request.Output, ProblemReaders.IsMath(request.Task), progress, cancel);
            progress?.Final();
            System.Console.Out.Write(Describe(result));
            if (request.Summary is not null)
            {
                await Storage.Files.AtomicFile.WriteAllTextAsync(request.Summary,
                    JsonSerializer.Serialize(result.Summary, new JsonSerializerOptions { WriteIndented = true }) + "\n", cancel);
            }
            if (result.Summary.Unverified > 0)
            {
                logs.Create(Category).Error($"{result.Summary.Unverified} of {result.Summary.Rows} rows could not be verified (verdict sandbox_error: "
                    + "the verifier or the problem's gold data failed, not the candidate; each row's 'reason' says why). Their reward 0 is no judgement.");
                return 1;
            }
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            logs.Notice(Category, $"stopped on {shutdown.Reason}; no output was written");
            return 0;
        }
        finally
        {
            using var timeout = new CancellationTokenSource(RunHost.StopTimeout);
            await host.StopAsync(timeout.Token);
        }
    }

    /// <summary>The printed summary.</summary>
    public static string Describe(GradeResult result)
    {
        var s = result.Summary;
        var lines = new List<string>
        {
            $"rows {s.Rows}, problems {s.Problems}, passed {s.Passed} ({(s.Rows == 0 ? 0 : 100.0 * s.Passed / s.Rows).ToString("F1", CultureInfo.InvariantCulture)}%), "
                + $"failed {s.Failed}, unverified {s.Unverified}, {result.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s",
            "verdicts: " + string.Join(", ", s.Verdicts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")),
        };
        var headline = s.Metrics.Where(kv => !kv.Key.Contains('/')).Select(kv => $"{kv.Key} {(100 * kv.Value).ToString("F2", CultureInfo.InvariantCulture)}%");
        lines.Add("metrics: " + string.Join(", ", headline) + (s.Unverified > 0 ? $" (the {s.Unverified} unverified rows count as not passed)" : ""));
        foreach (var group in s.Metrics.Where(kv => kv.Key.Contains('/')).GroupBy(kv => kv.Key[(kv.Key.IndexOf('/') + 1)..]))
        {
            lines.Add($"  {group.Key}: " + string.Join(", ", group.Select(kv => $"{kv.Key[..kv.Key.IndexOf('/')]} {(100 * kv.Value).ToString("F2", CultureInfo.InvariantCulture)}%")));
        }
        if (result.RejectedRows > 0) lines.Add($"{result.RejectedRows} malformed rows were set aside in {result.RejectedPath}");
        return string.Join("\n", lines) + "\n";
    }

    private sealed class ThrottledProgress(TimeSpan interval, Action<string> print) : IProgress<GradeProgress>
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private TimeSpan? _last;
        private GradeProgress? _latest;
        private GradeProgress? _printed;

        public void Report(GradeProgress value)
        {
            _latest = value;
            if (_last is { } last && _clock.Elapsed - last < interval) return;
            _last = _clock.Elapsed;
            Print(value);
        }

        public void Final()
        {
            if (_latest is { } latest && !ReferenceEquals(latest, _printed)) Print(latest);
        }

        private void Print(GradeProgress p)
        {
            _printed = p;
            print(
            $"graded {p.Done}/{p.Total} rows ({(p.Total == 0 ? 100 : 100.0 * p.Done / p.Total):F0}%), {p.RowsPerSecond:F1} rows/s, accept rate {100 * p.AcceptRate:F1}%");
        }
    }
}
