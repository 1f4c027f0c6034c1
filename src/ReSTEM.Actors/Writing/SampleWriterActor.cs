using Akka.Actor;
using ReSTEM.Actors.Runs;
using ReSTEM.Core.Problems;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Writing;

/// <summary>
/// Writes completed problems to the iteration's sample parts (atomically: temp file, flush,
/// rename) and answers only once they are durable, so "written" means "sealed". A request that
/// is sent again (its first answer was lost or late) finds its problems already written and
/// answers without writing them twice; what was written is kept by the writer's props across restarts.
/// </summary>
public sealed class SampleWriterActor : ReceiveActor
{
    /// <summary>Creates the writer; <paramref name="written"/> outlives its restarts.</summary>
    public SampleWriterActor(SampleStore store, string runId, IReadOnlyDictionary<string, Problem> problems, WrittenMemory written)
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
                // The asker tries again or leaves the problems to the next pass; nothing unwritten was sealed, so nothing is lost.
                replyTo.Tell(new Status.Failure(e));
            }
        });

        async Task<ProblemsWritten> WriteAsync(WriteProblems write)
        {
            var fresh = write.Problems.Where(p => !written.Contains(write.Iteration, p.ProblemId)).ToList();
            var rows = fresh.SelectMany(c => SampleRows.From(runId, write.Iteration, problems[c.ProblemId], c)).ToList();
            var path = rows.Count == 0 ? "" : await store.WritePartAsync(write.Iteration, rows);
            foreach (var p in fresh) written.Add(write.Iteration, p.ProblemId);
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
    public static Props Props(SampleStore store, string runId, IReadOnlyDictionary<string, Problem> problems)
    {
        var written = new WrittenMemory();
        return Akka.Actor.Props.Create(() => new SampleWriterActor(store, runId, problems, written));
    }

    /// <summary>The problems this process has written, per iteration; kept by the writer's props across restarts.</summary>
    public sealed class WrittenMemory
    {
        private readonly HashSet<(int, string)> _written = [];

        /// <summary>Whether <paramref name="problemId"/> of <paramref name="iteration"/> is written.</summary>
        public bool Contains(int iteration, string problemId) => _written.Contains((iteration, problemId));

        /// <summary>Records that <paramref name="problemId"/> of <paramref name="iteration"/> is written.</summary>
        public void Add(int iteration, string problemId) => _written.Add((iteration, problemId));
    }
}
