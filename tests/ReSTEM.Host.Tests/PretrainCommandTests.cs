using System.Text.Json;
using ReSTEM.Storage.Runs;
using Xunit.Abstractions;

namespace ReSTEM.Host.Tests;

/// <summary><c>restem pretrain</c>: a base model made once, recorded, and used by a run as its base.</summary>
public sealed class PretrainCommandTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string TinyConfig = Path.Combine(ConfigurationTests.RepositoryRoot(), "hocon", "tiny.conf");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-pretrain-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task The_base_model_is_written_with_its_record_and_a_run_starts_from_it()
    {
        var baseDir = Path.Combine(_root, "base");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(3), "pretrain", "--config", TinyConfig, "--output", baseDir);
        output.WriteLine(text);
        Assert.Equal(0, code);
        foreach (var file in new[] { "model.safetensors", "config.json", "char_tokenizer.json", "pretrain.json" })
            Assert.True(File.Exists(Path.Combine(baseDir, file)), file);
        using var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(baseDir, "pretrain.json")));
        Assert.Equal("countdown", record.RootElement.GetProperty("task").GetString());
        Assert.Equal(1, record.RootElement.GetProperty("seed").GetInt64());
        Assert.Equal(64, record.RootElement.GetProperty("weights_sha256").GetString()!.Length);
        Assert.True(record.RootElement.GetProperty("human_solutions").GetInt32() > 0);
        Assert.Contains("restem.model.pretrain.epochs", record.RootElement.GetProperty("config").GetString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root, ".tmp-*", SearchOption.AllDirectories));

        // The run uses it as its base model: no base training, iteration 0 evaluates it, the M-step starts from it.
        var runDir = Path.Combine(_root, "run");
        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(5), "run", "--config", TinyConfig, "--set", $"restem.model.base={baseDir}",
            "--set", "restem.iterations=1", "--set", "restem.baseline=none", "--run-dir", runDir);
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.DoesNotContain("training: human solutions", text);
        var manifest = new ManifestStore(new RunLayout(runDir)).Load();
        Assert.Equal(record.RootElement.GetProperty("weights_sha256").GetString(), manifest.Find(1)!.StartedFromDigest);
        Assert.True(manifest.Find(1)!.TrainRows > 0, "D_1 is not empty");
    }

    [Fact]
    public async Task A_folder_that_is_not_a_base_model_is_never_overwritten()
    {
        var occupied = Path.Combine(_root, "occupied");
        Directory.CreateDirectory(occupied);
        await File.WriteAllTextAsync(Path.Combine(occupied, "notes.txt"), "mine");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "pretrain", "--config", TinyConfig, "--output", occupied);
        Assert.Equal(2, code);
        Assert.Contains("is not a base model this command made", text);
        Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(occupied, "notes.txt")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
