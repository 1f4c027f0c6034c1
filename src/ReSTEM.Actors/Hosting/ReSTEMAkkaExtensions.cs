using Akka.Hosting;
using ReSTEM.Actors.Iteration;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Sampling;
using ReSTEM.Actors.Verification;
using ReSTEM.Core.Options;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Hosting;

/// <summary>Akka.Hosting set-up of ReSTEM's actor system, one extension per concern; the tests use the same ones.</summary>
public static class ReSTEMAkkaExtensions
{
    /// <summary>The HOCON every ReSTEM actor system starts from: quiet logging, no dead-letter noise at shutdown.</summary>
    public const string BaseHocon = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          # The host decides when the process ends: native work must stop before it does.
          coordinated-shutdown.run-by-clr-shutdown-hook = off
          coordinated-shutdown.exit-clr = off
          actor.ask-timeout = 60s
        }
        """;

    /// <summary>Starts the run's <see cref="IterationCoordinator"/> (and with it the whole E/M pipeline).</summary>
    public static AkkaConfigurationBuilder WithReSTEMPipeline(
        this AkkaConfigurationBuilder builder, RunContext run, IPolicyLoader loader, IVerifier verifier, TaskCompletionSource<RunOutcome> outcome,
        CoordinatorSettings? settings = null) =>
        builder
            .AddHocon(BaseHocon, HoconAddMode.Prepend)
            .WithActors((system, registry) =>
            {
                var coordinator = system.ActorOf(IterationCoordinator.Props(run, loader, verifier, outcome, settings), "coordinator");
                registry.Register<IterationCoordinator>(coordinator);
            });

    /// <summary>
    /// A verification dispatcher with <see cref="VerificationOptions.EffectiveParallelism"/> local
    /// workers, registered as <see cref="VerificationDispatcher"/> (what <c>grade</c> verifies through).
    /// </summary>
    public static AkkaConfigurationBuilder WithVerifierPool(this AkkaConfigurationBuilder builder, IVerifier verifier, VerificationOptions options) =>
        builder
            .AddHocon(BaseHocon, HoconAddMode.Prepend)
            .WithActors((system, registry) =>
            {
                var dispatcher = system.ActorOf(VerificationDispatcher.Props(), "verification");
                var machineryTimeout = TimeSpan.FromSeconds(Math.Max(30, options.TimeoutSeconds * 3));
                for (var i = 0; i < options.EffectiveParallelism; i++)
                {
                    system.ActorOf(VerifierActor.Props(dispatcher, verifier, options.Retries, machineryTimeout), $"verifier-{i}");
                }
                registry.Register<VerificationDispatcher>(dispatcher);
            });
}
