using Akka.Actor;
using ReSTEM.Actors.Runs;
using ReSTEM.Core.Problems;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Writing;

/// <summary>
/// Writes completed problems to the iteration's sample parts (atomically: temp file, flush,
/// rename) and answers only once they are durable, so "written" means "sealed".
/// </summary>
public sealed class SampleWriterActor : ReceiveActor
{
    /// <summary>Creates the writer.</summary>
    public SampleWriterActor(SampleStore store, string runId, IReadOnlyDictionary<string, Problem> problems)
    {
        ReceiveAsync<WriteProblems>(async write =>
        {
            var replyTo = Sender;
            try
            {
                replyTo.Tell(await WriteAsync(write));
            }
            catch (Exception e)
            {
                // The asker (the E-step stream) fails the pass; nothing unwritten was sealed, so nothing is lost.
                replyTo.Tell(new Status.Failure(e));
            }
        });

        async Task<ProblemsWritten> WriteAsync(WriteProblems write)
        {
            var rows = write.Problems.SelectMany(c => SampleRows.From(runId, write.Iteration, problems[c.ProblemId], c)).ToList();
            var path = await store.WritePartAsync(write.Iteration, rows);
            RunMetrics.Written(write.Iteration, rows.Count, rows.Count(r => r.Reward > 0));
            return new ProblemsWritten(
                write.Iteration,
                write.Problems.Select(p => p.ProblemId).ToList(),
                rows.Count,
                rows.Count(r => r.Accepted),
                rows.Count(r => r.Reward > 0),
                path)
            {
                CompletionTokens = rows.Sum(r => (long)r.CompletionTokens),
            };
        }
    }

    /// <summary>Props of the writer.</summary>
    public static Props Props(SampleStore store, string runId, IReadOnlyDictionary<string, Problem> problems) =>
        Akka.Actor.Props.Create(() => new SampleWriterActor(store, runId, problems));
}
