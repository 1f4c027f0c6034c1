using ReSTEM.Storage.Runs;
using Xunit.Abstractions;

namespace ReSTEM.Host.Tests;

/// <summary>The restem executable driven as users drive it: runs, signals, kills and resumes on hocon/tiny.conf.</summary>
public sealed class EndToEndTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string TinyConfig = Path.Combine(ConfigurationTests.RepositoryRoot(), "hocon", "tiny.conf");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-e2e-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task The_tiny_run_completes_and_its_files_obey_ReST_EM()
    {
        var runDir = Path.Combine(_root, "tiny");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(5), "run", "--config", TinyConfig, "--run-dir", runDir);
        output.WriteLine(text);

        Assert.Equal(0, code);
        Assert.Contains("0 (base)", text);
        await RunChecks.AssertCompleteAsync(runDir, TinyConfig);
    }

    [Fact]
    public async Task SIGTERM_stops_cleanly_within_ten_seconds_and_resume_finishes_the_run()
    {
        var runDir = Path.Combine(_root, "term");
        using (var child = RestemProcess.Start("run", "--config", TinyConfig, "--run-dir", runDir))
        {
            Assert.True(await child.WaitForOutputAsync("training: human solutions", TimeSpan.FromMinutes(2)), child.Output);
            var stopped = System.Diagnostics.Stopwatch.StartNew();
            child.Signal("TERM");
            var code = await child.WaitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine(child.Output);
            Assert.Equal(0, code);
            Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopped.Elapsed}");
            Assert.Contains("stopped on SIGTERM", child.Output);
        }

        var (resumed, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(5), "resume", runDir);
        output.WriteLine(text);
        Assert.Equal(0, resumed);
        await RunChecks.AssertCompleteAsync(runDir, TinyConfig);
    }

    [Fact]
    public async Task Bad_configuration_exits_with_code_2_naming_the_key()
    {
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "run", "--config", TinyConfig, "--set", "sampling.temperature=-1", "--run-dir", Path.Combine(_root, "bad"));
        Assert.Equal(2, code);
        Assert.Contains("restem.sampling.temperature", text);
        Assert.False(Directory.Exists(Path.Combine(_root, "bad")), "nothing is created for a refused configuration");

        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "run", "--config", Path.Combine(_root, "missing.conf"));
        Assert.Equal(2, code);
        Assert.Contains("missing.conf", text);
    }

    [Fact]
    public async Task Carrying_a_run_on_with_a_changed_sampling_setting_is_refused_by_key()
    {
        var runDir = Path.Combine(_root, "changed");
        Directory.CreateDirectory(_root);
        using (var child = RestemProcess.Start("run", "--config", TinyConfig, "--run-dir", runDir))
        {
            Assert.True(await child.WaitForOutputAsync("building-base", TimeSpan.FromMinutes(2)), child.Output);
            child.Signal("KILL");
            await child.WaitAsync(TimeSpan.FromSeconds(30));
        }
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "run", "--config", TinyConfig, "--run-dir", runDir, "--set", "sampling.samples-per-problem=5");
        Assert.Equal(2, code);
        Assert.Contains("restem.sampling.samples-per-problem: 4 -> 5", text);
        Assert.True(new ManifestStore(new RunLayout(runDir)).Exists);
    }

    [Fact]
    public async Task A_truncated_sample_part_is_named_and_quarantine_redraws_its_problems()
    {
        var runDir = Path.Combine(_root, "damaged");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(5), "run", "--config", TinyConfig, "--run-dir", runDir);
        Assert.Equal(0, code);
        var part = new SampleStore(new RunLayout(runDir)).PartFiles(1)[0];
        var bytes = await File.ReadAllBytesAsync(part);
        await File.WriteAllBytesAsync(part, bytes[..(bytes.Length / 2)]);

        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "run", "--config", TinyConfig, "--run-dir", runDir);
        output.WriteLine(text);
        Assert.Equal(2, code);
        Assert.Contains(part, text);
        Assert.Contains("--quarantine", text);
        Assert.DoesNotContain("   at ", text);

        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(5), "resume", runDir, "--quarantine");
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Contains("quarantined", text);
        Assert.True(File.Exists(Path.Combine(runDir, "quarantine", "iter-1", "samples", Path.GetFileName(part))));
        await RunChecks.AssertCompleteAsync(runDir, TinyConfig);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Nothing to remove (DirectoryNotFoundException) or a file still held: the temp folder is cleaned by the system.
        }
    }
}
