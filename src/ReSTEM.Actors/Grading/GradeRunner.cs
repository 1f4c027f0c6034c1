using System.Diagnostics;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using ReSTEM.Actors.Verification;
using ReSTEM.Core.Datasets;
using ReSTEM.Core.Metrics;
using ReSTEM.Core.Verification;
using ReSTEM.Storage.Tables;

namespace ReSTEM.Actors.Grading;

/// <summary>
/// <c>restem grade</c>'s work: scores completions that any system produced with the verifiers
/// and the verifier pool the E-step uses, as an Akka.Streams graph: the records are streamed
/// from the input (feeder), each is verified through the <see cref="VerificationDispatcher"/>
/// with bounded parallelism (in input order), and the output is written in batches to a
/// temporary file that is renamed only when the job completes. Memory stays flat whatever the
/// input's size: only the per-problem tallies of the summary grow with the number of problems.
/// </summary>
public sealed class GradeRunner
{
    /// <summary>The columns a graded file adds to the input's.</summary>
    public static readonly IReadOnlyList<(string Name, ColumnKind Kind)> OutputColumns =
        [("reward", ColumnKind.Float), ("verdict", ColumnKind.String), ("reason", ColumnKind.String), ("extracted_answer", ColumnKind.String)];

    private readonly ActorSystem _system;
    private readonly IActorRef _dispatcher;
    private readonly GradeOptions _options;

    /// <summary>Creates a runner that verifies through <paramref name="dispatcher"/> in <paramref name="system"/>.</summary>
    public GradeRunner(ActorSystem system, IActorRef dispatcher, GradeOptions options)
    {
        _system = system;
        _dispatcher = dispatcher;
        _options = options;
    }

    /// <summary>
    /// The first pass over the input: counts its records and learns the output's columns, and,
    /// unless bad rows are to be skipped, checks every record so that a malformed one stops the
    /// job before anything is graded.
    /// </summary>
    /// <exception cref="DatasetFormatException">A record is malformed (only when bad rows are not skipped).</exception>
    public async Task<GradeScan> ScanAsync(GradeInput input, CancellationToken cancellationToken)
    {
        var schema = new RowSchema();
        long rows = 0, bad = 0;
        await foreach (var row in input.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows++;
            schema.Observe(row.Fields);
            try
            {
                input.Resolve(row);
            }
            catch (DatasetFormatException) when (_options.SkipBadRows)
            {
                bad++;
            }
        }
        foreach (var (name, kind) in OutputColumns) schema.Declare(name, kind);
        return new GradeScan(rows, bad, schema);
    }

    /// <summary>Grades every record of <paramref name="input"/> into <paramref name="outputPath"/> (JSONL or Parquet by extension).</summary>
    public async Task<GradeResult> GradeAsync(
        GradeInput input, GradeScan scan, string outputPath, bool majority, IProgress<GradeProgress>? progress, CancellationToken cancellationToken)
    {
        await using var output = RowWriters.Create(outputPath, scan.Schema);
        var rejectedPath = outputPath + ".rejected.jsonl";
        JsonlRowWriter? rejected = null;
        var tally = new GradeTally();
        var clock = Stopwatch.StartNew();
        long done = 0, rejectedRows = 0;
        var timeout = _options.VerifyTimeout;
        var dispatcher = _dispatcher;
        try
        {
            await Source.From(() => input.ReadAsync(cancellationToken))
                .Select(row =>
                {
                    try
                    {
                        return new Pending(row, input.Resolve(row), null);
                    }
                    catch (DatasetFormatException e) when (_options.SkipBadRows)
                    {
                        return new Pending(row, null, e);
                    }
                })
                .SelectAsync(Math.Max(1, _options.Parallelism), async pending => pending.Item is null
                    ? new Graded(pending, null)
                    : new Graded(pending, await dispatcher.Ask<Verified>(new Verify(pending.Item.Problem, pending.Item.Completion), timeout, cancellationToken).ConfigureAwait(false)))
                .Grouped(Math.Max(1, _options.WriteBatch))
                .SelectAsync(1, async group =>
                {
                    var batch = group.ToList();
                    var rows = new List<JsonObject>(batch.Count);
                    var bad = new List<JsonObject>();
                    foreach (var graded in batch)
                    {
                        if (graded.Result is { } verified)
                        {
                            var item = graded.Pending.Item!;
                            tally.Add(item.Problem.Id, item.Problem.Difficulty, item.Problem.Category, verified.Result);
                            rows.Add(OutputRow(graded.Pending.Row, verified.Result));
                        }
                        else
                        {
                            var error = graded.Pending.Error!;
                            bad.Add(new JsonObject
                            {
                                ["line"] = graded.Pending.Row.Number,
                                ["field"] = error.Field,
                                ["reason"] = error.Problem,
                                ["row"] = graded.Pending.Row.Fields.DeepClone(),
                                ["text"] = graded.Pending.Row.Text,
                            });
                        }
                    }
                    await output.WriteAsync(rows, cancellationToken).ConfigureAwait(false);
                    if (bad.Count > 0)
                    {
                        rejected ??= new JsonlRowWriter(rejectedPath);
                        await rejected.WriteAsync(bad, cancellationToken).ConfigureAwait(false);
                        rejectedRows += bad.Count;
                    }
                    done += batch.Count;
                    progress?.Report(new GradeProgress(done, scan.Rows, tally.Passed, tally.Rows, clock.Elapsed));
                    return batch.Count;
                })
                .RunWith(Sink.Ignore<int>(), _system.Materializer())
                .ConfigureAwait(false);

            await output.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (rejected is not null) await rejected.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (rejected is not null) await rejected.DisposeAsync().ConfigureAwait(false);
        }
        return new GradeResult(tally.Summarize(majority), rejectedRows, rejectedRows > 0 ? rejectedPath : null, clock.Elapsed);
    }

    private static JsonObject OutputRow(DataRow row, VerificationResult result)
    {
        var output = (JsonObject)row.Fields.DeepClone();
        output["reward"] = result.Reward;
        output["verdict"] = result.Verdict.ToName();
        output["reason"] = result.Reason;
        output["extracted_answer"] = result.ExtractedAnswer;
        return output;
    }

    private sealed record Pending(DataRow Row, GradeItem? Item, DatasetFormatException? Error);

    private sealed record Graded(Pending Pending, Verified? Result);
}
