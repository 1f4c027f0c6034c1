using Akka.Actor;
using ReSTEM.Core.Filtering;

namespace ReSTEM.Actors.Filtering;

/// <summary>
/// Holds each problem's verified samples until all K are in, then hands the whole problem on
/// with ReST-EM's filter applied (correct only, deduplicated, capped). The work is the plain
/// <see cref="ProblemCollector"/>.
/// </summary>
public sealed class FilterActor : ReceiveActor
{
    private readonly int _samplesPerProblem;
    private readonly SampleFilter _filter;
    private ProblemCollector _collector;

    /// <summary>Creates the filter.</summary>
    public FilterActor(int samplesPerProblem, int maxCorrectPerProblem)
    {
        _samplesPerProblem = samplesPerProblem;
        _filter = new SampleFilter(maxCorrectPerProblem);
        _collector = new ProblemCollector(samplesPerProblem, _filter);
        Receive<CollectSample>(c => Sender.Tell(new SampleCollected(_collector.Add(c.Sample))));
        Receive<DiscardPending>(_ =>
        {
            var pending = _collector.PendingProblems;
            _collector = new ProblemCollector(_samplesPerProblem, _filter);
            Sender.Tell(new PendingDiscarded(pending));
        });
    }

    /// <summary>Props of the filter.</summary>
    public static Props Props(int samplesPerProblem, int maxCorrectPerProblem) =>
        Akka.Actor.Props.Create(() => new FilterActor(samplesPerProblem, maxCorrectPerProblem));
}
