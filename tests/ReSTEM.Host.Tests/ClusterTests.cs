using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ReSTEM.Core.Filtering;
using ReSTEM.Host.Configuration;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;
using Xunit.Abstractions;

namespace ReSTEM.Host.Tests;

/// <summary>A run's coordinator and verifier nodes as separate processes on loopback: losing a node loses no work.</summary>
public sealed class ClusterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-cluster-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ITestOutputHelper _output;

    public ClusterTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_root);
    }

    /// <summary>
    /// A tiny run of the built-in code task whose verification happens only on two verifier
    /// nodes; one is SIGKILLed in the middle of the E-step. Its jobs in flight go to the other
    /// node, the run completes, and its data obeys ReST-EM's invariants.
    /// </summary>
    [Fact]
    public async Task Killing_a_verifier_node_mid_E_step_loses_and_double_counts_nothing()
    {
        var port = FreePort();
        var config = CodeConfig(port, trainProblems: 80);
        var runDir = Path.Combine(_root, "run");
        using var coordinator = RestemProcess.Start("run", "--config", config, "--run-dir", runDir);
        using var doomed = RestemProcess.Start("worker", "--seed", $"127.0.0.1:{port}", "--config", config, "--parallelism", "2");
        using var survivor = RestemProcess.Start("worker", "--seed", $"127.0.0.1:{port}", "--config", config, "--parallelism", "2");
        try
        {
            Assert.True(await coordinator.WaitForOutputAsync("[iter 1] sampling:", TimeSpan.FromMinutes(3)), "the E-step never reported progress:\n" + coordinator.Output);
            doomed.Signal("KILL");
            var code = await coordinator.WaitAsync(TimeSpan.FromMinutes(4));
            Assert.True(code == 0, $"the run exited {code}:\n{coordinator.Output}");

            // The surviving node ran verifications and never loaded libtorch.
            Assert.False(survivor.HasExited, "the surviving verifier node exited:\n" + survivor.Output);
            var maps = await File.ReadAllTextAsync($"/proc/{survivor.Id}/maps");
            Assert.Contains("libSystem.Native", maps);
            Assert.DoesNotContain("libtorch", maps);
            Assert.DoesNotContain("LibTorchSharp", maps);
        }
        finally
        {
            _output.WriteLine("coordinator:\n" + coordinator.Output);
            _output.WriteLine("survivor:\n" + survivor.Output);
        }

        var log = await File.ReadAllTextAsync(Path.Combine(runDir, "restem.log"));
        Assert.Contains("was lost with job", log);
        await AssertInvariantsAsync(runDir, config);
    }

    /// <summary>
    /// A verifier node frozen (SIGSTOP) long enough to be downed by the split-brain resolver comes
    /// back (SIGCONT), finds itself removed, starts again and joins anew, and pulls jobs again;
    /// its jobs of the frozen time were done elsewhere and the run's data is whole.
    /// </summary>
    [Fact]
    public async Task A_verifier_node_cut_off_and_downed_rejoins_cleanly_and_loses_nothing()
    {
        var port = FreePort();
        var config = CodeConfig(port, trainProblems: 120, "restem.cluster.local-verifiers = 1");
        var runDir = Path.Combine(_root, "rejoin-run");
        using var coordinator = RestemProcess.Start("run", "--config", config, "--run-dir", runDir);
        using var node = RestemProcess.Start("worker", "--seed", $"127.0.0.1:{port}", "--config", config, "--parallelism", "2");
        try
        {
            Assert.True(await coordinator.WaitForOutputAsync("[iter 1] sampling:", TimeSpan.FromMinutes(3)), coordinator.Output);
            Assert.True(await node.WaitForOutputAsync("workers pulling jobs from", TimeSpan.FromSeconds(30)), node.Output);
            node.Signal("STOP");
            var log = Path.Combine(runDir, "restem.log");
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (DateTime.UtcNow < deadline && !(await File.ReadAllTextAsync(log)).Contains("SBR took decision", StringComparison.Ordinal)) await Task.Delay(500);
            node.Signal("CONT");
            Assert.Contains("SBR took decision Akka.Cluster.SBR.DownUnreachable", await File.ReadAllTextAsync(log));
            Assert.True(await node.WaitForOutputAsync("this node was removed from the cluster; joining", TimeSpan.FromMinutes(1)), node.Output);
            var deadline2 = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (DateTime.UtcNow < deadline2 && CountOf(node.Output, "workers pulling jobs from") < 2 && !coordinator.HasExited) await Task.Delay(500);
            Assert.True(CountOf(node.Output, "workers pulling jobs from") >= 2, "the node did not pull jobs again after rejoining:\n" + node.Output);
            var code = await coordinator.WaitAsync(TimeSpan.FromMinutes(5));
            Assert.True(code == 0, $"the run exited {code}:\n{coordinator.Output}");
        }
        finally
        {
            _output.WriteLine("coordinator:\n" + coordinator.Output);
            _output.WriteLine("node:\n" + node.Output);
        }
        await AssertInvariantsAsync(runDir, config);
    }

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    /// <summary>
    /// With TLS on, nodes must present the run's certificate. Verifier nodes with another
    /// certificate, or none, cannot join: the run (whose only verifiers are remote) makes no
    /// progress past its first verification while they are the only ones; a node with the right
    /// certificate joins and the run completes.
    /// </summary>
    [Fact]
    public async Task A_verifier_node_without_the_right_certificate_cannot_join_and_gets_no_work()
    {
        var right = MakeCertificate("right", "secret-1");
        var wrong = MakeCertificate("wrong", "secret-2");
        var port = FreePort();
        static string Tls(string path, string password) => "restem.cluster.tls { enabled = true, certificate-path = \"" + path + "\", certificate-password = \"" + password + "\" }";
        var config = CodeConfig(port, trainProblems: 10, Tls(right, "secret-1"));
        var runDir = Path.Combine(_root, "tls-run");
        var seed = $"127.0.0.1:{port}";
        using var coordinator = RestemProcess.Start("run", "--config", config, "--run-dir", runDir);
        using var impostor = RestemProcess.Start("worker", "--seed", seed, "--config", CodeConfig(port, trainProblems: 10, Tls(wrong, "secret-2")), "--parallelism", "2");
        using var plain = RestemProcess.Start("worker", "--seed", seed, "--config", config, "--set", "cluster.tls.enabled=false", "--parallelism", "2");
        try
        {
            Assert.True(await coordinator.WaitForOutputAsync("evaluating the base model", TimeSpan.FromMinutes(2)), coordinator.Output);
            // The base model's evaluation needs verifications; only the two nodes without the certificate are there.
            await Task.Delay(TimeSpan.FromSeconds(20));
            Assert.DoesNotContain("[iter 0] evaluated", coordinator.Output);
            Assert.DoesNotContain("test greedy", coordinator.Output);
            Assert.False(coordinator.HasExited, coordinator.Output);

            using var member = RestemProcess.Start("worker", "--seed", seed, "--config", config, "--parallelism", "2");
            var code = await coordinator.WaitAsync(TimeSpan.FromMinutes(4));
            Assert.True(code == 0, $"the run exited {code}:\n{coordinator.Output}");
        }
        finally
        {
            _output.WriteLine("coordinator:\n" + coordinator.Output);
            _output.WriteLine("impostor:\n" + impostor.Output);
        }
        Assert.False(impostor.HasExited);
        Assert.False(plain.HasExited);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A self-signed certificate with its private key, as the .pfx file TLS is configured with.</summary>
    private string MakeCertificate(string name, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=restem-{name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_root, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>tiny.conf turned into a short run of the built-in code task whose verification happens only on verifier nodes.</summary>
    internal string CodeConfig(int port, int trainProblems, string extra = "")
    {
        var path = Path.Combine(_root, $"code-{port}-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(ConfigurationTests.RepositoryRoot(), "hocon", "tiny.conf")) + $$"""

            restem {
              task = code
              iterations = 1
              baseline = none
              model.builtin.max-positions = 256
              model.pretrain { human-solutions = 40, epochs = 2 }
              sampling { samples-per-problem = 4, max-new-tokens = 48, problems-per-batch = 10 }
              training { epochs = 1, max-sequence-length = 256 }
              evaluation { samples-per-problem = 2, k = [1, 2] }
              verification.parallelism = 4
              tasks.code { train-problems = {{trainProblems}}, val-problems = 4, test-problems = 6 }
              cluster { enabled = true, port = {{port}}, local-verifiers = 0 }
            }
            {{extra}}
            """);
        return path;
    }

    private static async Task AssertInvariantsAsync(string runDir, string config)
    {
        var options = RunOptionsBinder.Bind(HoconDocument.Load(config, []));
        var layout = new RunLayout(runDir);
        var manifest = new ManifestStore(layout).Load();
        var record = manifest.Find(1);
        Assert.True(record is { Phase: IterationPhase.Evaluated }, "iteration 1 is evaluated");
        var rows = new List<SampleRow>();
        await foreach (var row in new SampleStore(layout).ReadAsync(1)) rows.Add(row);
        var k = options.Sampling.SamplesPerProblem;
        Assert.Equal(options.Tasks.Code.TrainSize * k, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.ProblemId, r.SampleIndex)).Distinct().Count());
        Assert.All(rows.GroupBy(r => r.ProblemId), g => Assert.Equal(Enumerable.Range(0, k), g.Select(r => r.SampleIndex).Order()));
        Assert.DoesNotContain(rows, r => r.Verdict == "sandbox_error");
        var trainSet = await new TableStore(layout).ReadTrainSetAsync(1);
        var expected = rows.GroupBy(r => r.ProblemId)
            .SelectMany(g => new SampleFilter(options.Filter.MaxCorrectPerProblem).Accept(g.Select(r => (r.SampleIndex, r.Reward, r.Completion))).Select(ix => (g.Key, ix)))
            .Order().ToList();
        Assert.Equal(expected, trainSet.Select(t => (t.ProblemId, t.SampleIndex)).Order().ToList());
        Assert.Equal(record!.SampleRows, rows.Count);
    }
}
