using Akka.Actor;
using Akka.Event;
using ReSTEM.Core.Filtering;

namespace ReSTEM.Actors.Filtering;

/// <summary>
/// Holds each problem's verified samples until all K are in, then hands the whole problem on
/// with ReST-EM's filter applied (correct only, deduplicated, capped). The work is the plain
/// <see cref="ProblemCollector"/>, which its props keep across restarts: a restarted filter still
/// holds the samples of problems in flight, so none is lost or counted twice.
/// </summary>
public sealed class FilterActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int _samplesPerProblem;
    private readonly SampleFilter _filter;
    private readonly CollectorMemory _memory;

    /// <summary>Creates the filter; <paramref name="memory"/> outlives its restarts.</summary>
    public FilterActor(int samplesPerProblem, int maxCorrectPerProblem, CollectorMemory memory)
    {
        _samplesPerProblem = samplesPerProblem;
        _filter = new SampleFilter(maxCorrectPerProblem);
        _memory = memory;
        _memory.Collector ??= NewCollector();
        Receive<CollectSample>(HandleCollect);
        Receive<DiscardPending>(_ =>
        {
            var pending = _memory.Collector!.PendingProblems;
            _memory.Collector = NewCollector();
            Sender.Tell(new PendingDiscarded(pending));
        });
    }

    /// <summary>Props of the filter.</summary>
    public static Props Props(int samplesPerProblem, int maxCorrectPerProblem)
    {
        var memory = new CollectorMemory();
        return Akka.Actor.Props.Create(() => new FilterActor(samplesPerProblem, maxCorrectPerProblem, memory));
    }

    private void HandleCollect(CollectSample collect)
    {
        try
        {
            Sender.Tell(new SampleCollected(_memory.Collector!.Add(collect.Sample)));
        }
        catch (ArgumentException e)
        {
            // A sample index out of range or seen twice is refused without touching what was collected.
            _log.Warning("refused a sample: {0}", e.Message);
            Sender.Tell(new Status.Failure(e));
        }
    }

    private ProblemCollector NewCollector() => new(_samplesPerProblem, _filter);

    /// <summary>The collector of the current pass; kept by the filter's props across restarts.</summary>
    public sealed class CollectorMemory
    {
        /// <summary>The collector, created by the first filter instance.</summary>
        public ProblemCollector? Collector { get; set; }
    }
}
