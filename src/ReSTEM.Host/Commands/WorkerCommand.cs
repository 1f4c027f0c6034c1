using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReSTEM.Actors.Hosting;
using ReSTEM.Actors.Verification;
using ReSTEM.Host.Configuration;
using ReSTEM.Host.Hosting;
using ReSTEM.Host.Logging;
using ReSTEM.Host.Tasks;

namespace ReSTEM.Host.Commands;

/// <summary>
/// <c>restem worker --seed host:port</c>: a verifier node. It builds the configured task's
/// verifier (the sandbox, for code tasks; no model, so no GPU and no libtorch), joins the cluster
/// through the seed and pulls verification jobs from the run's coordinator, until SIGTERM or
/// SIGINT. A node the cluster removed (it was cut off and downed) starts again and joins anew.
/// </summary>
public static class WorkerCommand
{
    private const string Category = "restem.worker";

    /// <summary>Runs the node; returns the exit code.</summary>
    public static async Task<int> RunAsync(string? configFile, IReadOnlyList<string> overrides, string seed, int? parallelism, int port, Logs logs, ProcessShutdown shutdown)
    {
        var document = HoconDocument.Load(configFile, overrides);
        var options = RunOptionsBinder.Bind(document);
        if (parallelism is { } n)
        {
            if (n < 0) throw new ConfigurationError($"--parallelism {n}: expected 0 (one per core) or more");
            options = options with { Verification = options.Verification with { Parallelism = n } };
        }
        if (port is < 0 or > 65535) throw new ConfigurationError($"--port {port}: expected 0 (any free port) to 65535");
        // restem.cluster.port is the run's own port: a verifier node binds --port (any free one by default).
        var cluster = ClusterOptionsBinder.Bind(document) with { Enabled = true, Port = port, Seeds = [ClusterOptionsBinder.CheckSeed(seed, "--seed")] };
        var userAkka = ClusterOptionsBinder.UserAkka(document);
        var log = logs.Create(Category);
        await using var task = TaskCatalog.Create(options, message => log.Warning(message));
        var workers = options.Verification.EffectiveParallelism;
        while (!shutdown.Requested.IsCancellationRequested)
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = RunHost.StopTimeout);
            builder.Services.AddSingleton<IHostLifetime>(shutdown);
            logs.AddTo(builder.Services);
            builder.Services.AddAkka(ClusterOptions.SystemName, (akka, _) => akka
                .WithLogs()
                .WithReSTEMCluster(cluster, [ClusterOptions.Roles.Verifier])
                .WithVerifierNode(task.Value.Verifier, options.Verification, workers, VerifierIdentity.Of(options.Task, options.Verification))
                .WithUserAkkaConfig(userAkka));
            using var host = builder.Build();
            await host.StartAsync(shutdown.Requested);
            var system = host.Services.GetRequiredService<ActorSystem>();
            logs.Notice(Category, $"verifier node {Akka.Cluster.Cluster.Get(system).SelfAddress} with {workers} workers ({options.Task}) joining {seed}");
            var node = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<VerifierNode>(shutdown.Requested);
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (shutdown.Requested.Register(() => stopping.TrySetResult()))
            {
                var reporting = ReportAsync(node, system.WhenTerminated, logs);
                await Task.WhenAny(system.WhenTerminated, stopping.Task);
                await reporting;
            }
            using (var timeout = new CancellationTokenSource(RunHost.StopTimeout))
            {
                await host.StopAsync(timeout.Token);
            }
            if (shutdown.Requested.IsCancellationRequested) break;
            log.Warning($"this node was removed from the cluster; joining {seed} again");
            await Task.Delay(TimeSpan.FromSeconds(2), shutdown.Requested).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        logs.Notice(Category, $"stopped on {shutdown.Reason ?? "request"}");
        return 0;
    }

    /// <summary>Says when the node starts or stops pulling a run's jobs, until its actor system ends.</summary>
    private static async Task ReportAsync(IActorRef node, Task terminated, Logs logs)
    {
        string? current = null;
        while (!terminated.IsCompleted)
        {
            try
            {
                var status = await node.Ask<VerifierNodeStatus>(GetVerifierNodeStatus.Instance, TimeSpan.FromSeconds(5));
                var now = status.Refused is { } refused ? "refused: " + refused : status.Dispatcher;
                if (now != current)
                {
                    current = now;
                    if (status.Refused is not null) logs.Create(Category).Error($"the run refused this node, it takes none of its jobs: {status.Refused}");
                    else logs.Notice(Category, current is null ? "waiting for a run's coordinator" : $"{status.Workers} workers pulling jobs from {current}");
                }
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                // The node is stopping with its actor system: the loop ends with it.
            }
            await Task.WhenAny(terminated, Task.Delay(TimeSpan.FromSeconds(1)));
        }
    }
}
