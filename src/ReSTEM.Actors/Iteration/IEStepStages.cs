using ReSTEM.Actors.Filtering;
using ReSTEM.Actors.Sampling;
using ReSTEM.Actors.Verification;
using ReSTEM.Actors.Writing;
using ReSTEM.Core.Samples;

namespace ReSTEM.Actors.Iteration;

/// <summary>
/// The four stages the E-step's stream calls into, one call per element. Each may fail or time
/// out; <see cref="EStepGraph"/> turns every such failure into a value, so the stream never dies
/// of one element. In a run the stages are the actors (<see cref="ActorEStepStages"/>).
/// </summary>
public interface IEStepStages
{
    /// <summary>How many samplers can generate at once.</summary>
    int Samplers { get; }

    /// <summary>Generates a batch on sampler <paramref name="sampler"/>: <see cref="BatchGenerated"/> or <see cref="BatchFailed"/>.</summary>
    Task<object> GenerateAsync(int sampler, GenerateBatch batch);

    /// <summary>Verifies one sample.</summary>
    Task<Verified> VerifyAsync(GeneratedSample sample);

    /// <summary>Hands one verified sample to the filter.</summary>
    Task<SampleCollected> CollectAsync(VerifiedSample sample);

    /// <summary>Writes completed problems; answers once they are durable.</summary>
    Task<ProblemsWritten> WriteAsync(WriteProblems write);
}
