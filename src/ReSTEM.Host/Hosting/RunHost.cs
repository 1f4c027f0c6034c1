using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReSTEM.Actors.Hosting;
using ReSTEM.Actors.Iteration;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Sampling;
using ReSTEM.Core.Verification;
using ReSTEM.Host.Logging;

namespace ReSTEM.Host.Hosting;

/// <summary>
/// Runs one ReST-EM run inside a Microsoft.Extensions.Hosting host with the actor system, until
/// the run ends or the process is asked to stop (SIGTERM, SIGINT): then the actor system shuts
/// down, in-flight work is dropped cleanly (nothing unsealed was ever marked sealed), and the
/// outcome says the run can be carried on.
/// </summary>
public static class RunHost
{
    /// <summary>How long a requested stop may take before the host gives up waiting.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Runs <paramref name="run"/>; returns how it ended. With <paramref name="cluster"/> enabled the
    /// process is the cluster's coordinator node (and also samples, trains and, unless
    /// <c>local-verifiers = 0</c>, verifies); <paramref name="userAkka"/> is the configuration's own <c>akka</c> section.
    /// </summary>
    public static async Task<RunOutcome> RunAsync(
        RunContext run, IPolicyLoader loader, IVerifier verifier, ClusterOptions cluster, Config? userAkka, bool verbose, Logs logs, ProcessShutdown signals)
    {
        var outcome = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopTimeout);
        builder.Services.AddSingleton<IHostLifetime>(signals);
        logs.AddTo(builder.Services);
        var settings = CoordinatorSettings.Default with
        {
            LocalVerifiers = cluster.Enabled && cluster.LocalVerifiers >= 0 ? cluster.LocalVerifiers : null,
        };
        string[] roles = settings.LocalVerifiers == 0
            ? [ClusterOptions.Roles.Coordinator, ClusterOptions.Roles.Sampler, ClusterOptions.Roles.Trainer]
            : [ClusterOptions.Roles.Coordinator, ClusterOptions.Roles.Sampler, ClusterOptions.Roles.Trainer, ClusterOptions.Roles.Verifier];
        builder.Services.AddAkka(ClusterOptions.SystemName, (akka, _) =>
        {
            akka.WithLogs(verbose)
                .WithReSTEMCluster(cluster, roles)
                .WithReSTEMPipeline(run, loader, verifier, outcome, settings)
                .WithUserAkkaConfig(userAkka);
        });
        using var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);

        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (signals.Requested.Register(() => stopping.TrySetResult()))
        {
            await Task.WhenAny(outcome.Task, stopping.Task).ConfigureAwait(false);
        }
        var stoppedByRequest = !outcome.Task.IsCompleted;
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            await host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        // Native work still running when the process exits crashes it inside libtorch.
        if (!NativeJob.StopAll(StopTimeout))
            logs.Create("restem.run").Warning("native work did not stop in time; the process may end abruptly (the run can still be carried on)");
        if (stoppedByRequest || !outcome.Task.IsCompleted)
        {
            return new RunOutcome(false, 0, $"stopped on {signals.Reason ?? "request"}; the run can be carried on with: ./run.sh resume {run.Layout.Root}", null);
        }
        return await outcome.Task.ConfigureAwait(false);
    }
}
