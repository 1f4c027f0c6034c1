using Akka.Actor;
using ReSTEM.Actors.Filtering;
using ReSTEM.Actors.Sampling;
using ReSTEM.Actors.Verification;
using ReSTEM.Actors.Writing;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Samples;

namespace ReSTEM.Actors.Iteration;

/// <summary>The E-step's stages as asks to the run's actors, each with its own timeout.</summary>
public sealed class ActorEStepStages : IEStepStages
{
    private readonly IReadOnlyList<IActorRef> _samplers;
    private readonly IActorRef _dispatcher;
    private readonly IActorRef _filter;
    private readonly IActorRef _writer;
    private readonly IReadOnlyDictionary<string, Problem> _problems;
    private readonly TimeSpan _samplerTimeout;
    private readonly TimeSpan _stageTimeout;

    /// <summary>
    /// Creates the stages. <paramref name="samplerTimeout"/> bounds one batch's generation;
    /// <paramref name="stageTimeout"/> one verification (its queueing included), one collection
    /// and one write.
    /// </summary>
    public ActorEStepStages(
        IReadOnlyList<IActorRef> samplers, IActorRef dispatcher, IActorRef filter, IActorRef writer,
        IReadOnlyDictionary<string, Problem> problems, TimeSpan samplerTimeout, TimeSpan stageTimeout)
    {
        _samplers = samplers;
        _dispatcher = dispatcher;
        _filter = filter;
        _writer = writer;
        _problems = problems;
        _samplerTimeout = samplerTimeout;
        _stageTimeout = stageTimeout;
    }

    /// <inheritdoc />
    public int Samplers => _samplers.Count;

    /// <inheritdoc />
    public Task<object> GenerateAsync(int sampler, GenerateBatch batch) => _samplers[sampler].Ask<object>(batch, _samplerTimeout);

    /// <inheritdoc />
    public Task<Verified> VerifyAsync(GeneratedSample sample) =>
        _dispatcher.Ask<Verified>(new Verify(_problems[sample.ProblemId], sample.Completion.Text), _stageTimeout);

    /// <inheritdoc />
    public Task<SampleCollected> CollectAsync(VerifiedSample sample) => _filter.Ask<SampleCollected>(new CollectSample(sample), _stageTimeout);

    /// <inheritdoc />
    public Task<ProblemsWritten> WriteAsync(WriteProblems write) => _writer.Ask<ProblemsWritten>(write, _stageTimeout);
}
