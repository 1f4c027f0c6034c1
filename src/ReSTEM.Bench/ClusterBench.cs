using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using ReSTEM.Actors.Filtering;
using ReSTEM.Actors.Hosting;
using ReSTEM.Actors.Iteration;
using ReSTEM.Actors.Sampling;
using ReSTEM.Actors.Verification;
using ReSTEM.Actors.Writing;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Samples;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Tasks.Code;
using ReSTEM.Core.Verification;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Bench;

/// <summary>
/// <c>cluster</c>: verified samples per second of the built-in code task through the cluster's
/// work-pulling dispatcher with 1, 2 and 3 verifier node processes (<c>restem worker</c>, one
/// sandbox slot each, each pinned to one core with <c>taskset</c> where there are enough cores),
/// and the coordinator's own ceiling: the whole E-step graph (samplers, dispatcher, filter,
/// Parquet writer) with samplers and verifiers that answer at once.
/// Usage: <c>cluster [--restem PATH] [--jobs N] [--nodes N] [--problems N] [--k N]</c>.
/// </summary>
internal static class ClusterBench
{
    public static int Run(string[] args)
    {
        var restem = BenchArguments.Text(args, "--restem") ?? Path.Combine("src", "ReSTEM.Host", "bin", "Release", "net10.0", "restem");
        if (!File.Exists(restem))
        {
            Console.Error.WriteLine($"cluster: the restem executable is missing ({restem}); build src/ReSTEM.Host first or pass --restem PATH");
            return 2;
        }
        var jobs = (int)BenchArguments.Number(args, "--jobs", 300);
        var maxNodes = (int)BenchArguments.Number(args, "--nodes", 3);
        var problems = (int)BenchArguments.Number(args, "--problems", 2000);
        var k = (int)BenchArguments.Number(args, "--k", 8);
        var work = Path.Combine(Path.GetTempPath(), "restem-cluster-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        Console.WriteLine($"# cluster benchmark: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        try
        {
            double? sandboxRate = null;
            for (var nodes = 1; nodes <= maxNodes; nodes++)
            {
                var (rate, pinned) = RemoteRate(restem, nodes, jobs, work);
                sandboxRate ??= rate;
                Console.WriteLine($"| {nodes} verifier node{(nodes == 1 ? "" : "s")} | {(pinned ? "one core each (taskset)" : "not pinned: fewer cores than nodes")} | {rate:F1} verified samples/s |");
            }
            var ceiling = Ceiling(problems, k, work);
            Console.WriteLine($"| coordinator ceiling (E-step graph, instant samplers and verifiers, {problems} problems x {k}) | in process | {ceiling:N0} samples/s |");
            if (sandboxRate is { } r) Console.WriteLine($"ceiling / one sandboxed verifier node: {ceiling / r:N0}x");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Verified samples per second with <paramref name="nodes"/> verifier node processes of one slot each.</summary>
    private static (double Rate, bool Pinned) RemoteRate(string restem, int nodes, int jobs, string work)
    {
        var port = FreePort();
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = {{port}} }
            akka.cluster.roles = [coordinator]
            akka.cluster.seed-nodes = ["akka.tcp://{{ClusterOptions.SystemName}}@127.0.0.1:{{port}}"]
            """).WithFallback(ConfigurationFactory.ParseString(ReSTEMClusterExtensions.ClusterHocon)).WithFallback(ReSTEMAkkaExtensions.BaseHocon);
        using var system = ActorSystem.Create(ClusterOptions.SystemName, config);
        var verification = new ReSTEM.Core.Options.VerificationOptions { Parallelism = 1, TimeoutSeconds = 10, MemoryMB = 512 };
        var verifies = VerifierIdentity.Of("code", verification);
        var coordinator = system.ActorOf(Props.Create(() => new DispatcherHost(verifies)), "coordinator");
        var dispatcher = coordinator.Ask<IActorRef>(DispatcherHost.Get.Instance, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        var nodeConfig = Path.Combine(work, "node.conf");
        File.WriteAllText(nodeConfig, "restem.task = code\nrestem.verification { parallelism = 1, timeout-seconds = 10, memory-mb = 512 }\n");
        var pinned = Environment.ProcessorCount >= nodes;
        var children = new List<Process>();
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                var info = pinned ? new ProcessStartInfo("taskset") : new ProcessStartInfo(restem);
                if (pinned)
                {
                    info.ArgumentList.Add("-c");
                    info.ArgumentList.Add(i.ToString(CultureInfo.InvariantCulture));
                    info.ArgumentList.Add(restem);
                }
                foreach (var a in new[] { "worker", "--seed", $"127.0.0.1:{port}", "--config", nodeConfig, "--parallelism", "1" }) info.ArgumentList.Add(a);
                info.RedirectStandardOutput = true;
                info.RedirectStandardError = true;
                var child = Process.Start(info)!;
                child.OutputDataReceived += (_, _) => { };
                child.ErrorDataReceived += (_, _) => { };
                child.BeginOutputReadLine();
                child.BeginErrorReadLine();
                children.Add(child);
            }
            var deadline = Stopwatch.StartNew();
            while (dispatcher.Ask<DispatcherStatus>(GetDispatcherStatus.Instance, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult().Workers < nodes)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"{nodes} verifier nodes did not register within 2 minutes");
                Thread.Sleep(200);
            }
            var problems = CodeProblemGenerator.Generate(new CodeTaskOptions())[Split.Train];
            // One warm-up job per node: the first program a fresh sandbox runs is slower.
            Verify(dispatcher, problems.Take(nodes).ToList(), nodes);
            var work2 = Enumerable.Range(0, jobs).Select(i => problems[i % problems.Count]).ToList();
            var clock = Stopwatch.StartNew();
            Verify(dispatcher, work2, nodes * 2);
            return (jobs / clock.Elapsed.TotalSeconds, pinned);
        }
        finally
        {
            foreach (var child in children)
            {
                if (!child.HasExited) child.Kill(entireProcessTree: true);
                child.WaitForExit();
                child.Dispose();
            }
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
        }
    }

    private static void Verify(IActorRef dispatcher, IReadOnlyList<Problem> problems, int inFlight)
    {
        var failed = 0;
        Parallel.ForEach(problems, new ParallelOptions { MaxDegreeOfParallelism = inFlight }, problem =>
        {
            var verified = dispatcher.Ask<Verified>(new Verify(problem, problem.Solution!), TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
            if (verified.Result.Verdict != Verdict.Passed) Interlocked.Increment(ref failed);
        });
        if (failed > 0) throw new InvalidOperationException($"{failed} reference solutions did not pass: the benchmark measured something broken");
    }

    /// <summary>Samples per second through the whole E-step graph when sampling and verification cost nothing.</summary>
    private static double Ceiling(int problemCount, int k, string work)
    {
        using var system = ActorSystem.Create("ceiling", ReSTEMAkkaExtensions.BaseHocon);
        var problems = Enumerable.Range(0, problemCount).Select(i => new Problem { Id = $"p{i}", Question = $"q{i}", Answer = "7" }).ToList();
        var byId = problems.ToDictionary(p => p.Id);
        var dispatcher = system.ActorOf(VerificationDispatcher.Props());
        for (var i = 0; i < 8; i++) system.ActorOf(VerifierActor.Props(dispatcher, new InstantVerifier(), 0, TimeSpan.FromSeconds(30)));
        var samplers = Enumerable.Range(0, 2).Select(_ => system.ActorOf(Props.Create(() => new InstantSampler(k)))).ToList();
        var filter = system.ActorOf(FilterActor.Props(k, 4));
        var store = new SampleStore(new RunLayout(Path.Combine(work, "ceiling-run")));
        var writer = system.ActorOf(SampleWriterActor.Props(store, "bench", byId));
        var stages = new ActorEStepStages(samplers, dispatcher, filter, writer, byId, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        var graph = new EStepGraph(stages, new EStepGraphSettings(64, 64, 64, TimeSpan.FromMilliseconds(500), 3),
            new SandboxErrorGuard(20), new EStepLoad(), line => Console.Error.WriteLine(line));
        var clock = Stopwatch.StartNew();
        var written = graph.Pass(1, problems).RunWith(Sink.Seq<ProblemsWritten>(), system.Materializer()).GetAwaiter().GetResult();
        var seconds = clock.Elapsed.TotalSeconds;
        var rows = written.Sum(w => w.Rows);
        if (rows != problemCount * k) throw new InvalidOperationException($"{rows} rows written for {problemCount * k} samples");
        system.Terminate().Wait(TimeSpan.FromSeconds(10));
        return rows / seconds;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>Hosts the dispatcher where verifier nodes look for it: /user/coordinator/verification.</summary>
    private sealed class DispatcherHost : ReceiveActor
    {
        public DispatcherHost(string verifies)
        {
            var dispatcher = Context.ActorOf(VerificationDispatcher.Props(verifies), "verification");
            Receive<Get>(_ => Sender.Tell(dispatcher));
        }

        public sealed record Get
        {
            public static Get Instance { get; } = new();
        }
    }

    /// <summary>A sampler that answers at once with K canned samples per problem.</summary>
    private sealed class InstantSampler : ReceiveActor
    {
        public InstantSampler(int k) =>
            Receive<GenerateBatch>(batch => Sender.Tell(new BatchGenerated(batch.Iteration, batch.Problems
                .SelectMany(p => Enumerable.Range(0, k).Select(i => new GeneratedSample(p.Id, i, p.Question,
                    new Completion($"answer {i % 3}\n#### 7", i, 8, 12, FinishReason.EndOfSequence), "bench", 0)))
                .ToList())));
    }

    /// <summary>A verifier that costs nothing: every completion passes.</summary>
    private sealed class InstantVerifier : IVerifier
    {
        public ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken) =>
            ValueTask.FromResult(VerificationResult.Pass("7"));
    }
}
