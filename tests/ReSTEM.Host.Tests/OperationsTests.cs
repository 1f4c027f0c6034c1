using System.Text.Json;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;
using Xunit.Abstractions;

namespace ReSTEM.Host.Tests;

/// <summary>What an operator drives besides <c>run</c>: JSON logs and their rotation, <c>eval</c> and <c>export</c>.</summary>
public sealed class OperationsTests(TinyJsonRun run, ITestOutputHelper output) : IClassFixture<TinyJsonRun>
{
    private static readonly string[] EntryFields = ["time", "level", "category", "message"];

    private static List<JsonElement> ParseLines(string text, string source) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            try
            {
                return JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new Xunit.Sdk.XunitException($"{source}: a line is not JSON ({e.Message}): {line}");
            }
        }).ToList();

    [Fact]
    public void A_json_run_writes_only_json_entries_to_standard_error_with_the_run_fields()
    {
        output.WriteLine(run.Output);
        Assert.Equal(0, run.ExitCode);
        var entries = ParseLines(run.Error, "standard error");
        Assert.True(entries.Count > 10, $"only {entries.Count} entries");
        Assert.All(entries, e => Assert.All(EntryFields, f => Assert.True(e.TryGetProperty(f, out _), $"no {f} in {e}")));

        var runId = new ManifestStore(new RunLayout(run.RunDir)).Load().RunId;
        var sampling = entries.Where(e => e.TryGetProperty("phase", out var p) && p.GetString() == "sampling").ToList();
        Assert.NotEmpty(sampling);
        Assert.All(sampling, e =>
        {
            Assert.Equal(runId, e.GetProperty("run_id").GetString());
            Assert.True(e.GetProperty("iteration").GetInt32() >= 1);
        });
        Assert.Contains(entries, e => e.GetProperty("message").GetString()!.StartsWith("done:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_run_folder_log_is_json_and_SIGHUP_reopens_it_after_a_rotation()
    {
        Assert.True(run.Rotated, "the run ended before it sampled");
        var rotated = ParseLines(File.ReadAllText(Path.Combine(run.RunDir, "restem.log.1")), "restem.log.1");
        var current = ParseLines(File.ReadAllText(Path.Combine(run.RunDir, "restem.log")), "restem.log");
        Assert.NotEmpty(rotated);
        Assert.NotEmpty(current);
        Assert.Contains(rotated, e => e.GetProperty("message").GetString()!.StartsWith("new run", StringComparison.Ordinal));
        Assert.Contains(current, e => e.GetProperty("message").GetString()!.StartsWith("done:", StringComparison.Ordinal));
        Assert.True(current[0].GetProperty("time").GetString()!.CompareTo(rotated[^1].GetProperty("time").GetString()) >= 0);
    }

    [Fact]
    public async Task The_scrape_endpoint_serves_the_runs_counters_with_the_runs_values()
    {
        Assert.Equal(0, run.ExitCode);
        Assert.NotNull(run.Scrape);
        output.WriteLine(run.Scrape);
        var written = 0;
        await foreach (var _ in new SampleStore(new RunLayout(run.RunDir)).ReadAsync(1)) written++;
        Assert.True(written > 0);

        Assert.Equal(written, Value(run.Scrape, "restem_samples_written_total{", "iteration=\"1\""));
        Assert.True(Value(run.Scrape, "restem_samples_generated_total{") >= written);
        Assert.True(Value(run.Scrape, "restem_tokens_generated_total{") > written);
        Assert.True(Value(run.Scrape, "restem_verification_duration_milliseconds_count{") >= written);
        Assert.Contains("restem_queue_depth{", run.Scrape);
        // Every bounded stage of the E-step reports its depth, not only the verification queue.
        foreach (var stage in new[] { "verification", "sampling-batches", "verifying-samples", "writing-problems" })
            Assert.Contains($"stage=\"{stage}\"", run.Scrape);
        Assert.Contains("restem_training_loss{", run.Scrape);
        Assert.Contains("restem_samples_accept_rate{", run.Scrape);
        Assert.Contains($"service_instance_id=\"tiny\"", run.Scrape);

        static double Value(string text, string prefix, string? label = null)
        {
            var line = text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal) && (label is null || l.Contains(label, StringComparison.Ordinal)));
            return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    [Fact]
    public async Task The_endpoint_listens_on_loopback_only_and_is_gone_after_the_run()
    {
        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"0100007F:{run.MetricsPort:X4} 00000000:0000 0A", run.Sockets);
        Assert.DoesNotContain($"00000000:{run.MetricsPort:X4} 00000000:0000 0A", run.Sockets);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync($"http://127.0.0.1:{run.MetricsPort}/metrics"));
        var sockets = File.ReadAllText("/proc/net/tcp");
        Assert.DoesNotContain($":{run.MetricsPort:X4} ", sockets);
    }

    [Fact]
    public void The_tensorboard_event_file_parses_and_holds_the_runs_curves()
    {
        Assert.Equal(0, run.ExitCode);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(run.RunDir, "tensorboard"), "events.out.tfevents.*"));
        var scalars = ReSTEM.Storage.TensorBoard.TensorBoardEvents.ReadScalars(File.ReadAllBytes(file), out var version);

        Assert.Equal("brain.Event:2", version);
        var tags = scalars.Select(s => s.Tag).ToHashSet();
        Assert.Contains("train/iter-0/human_solutions/loss", tags);
        foreach (var series in new[] { "train/iter-1/m-step", "train/iter-2/m-step", "train/baseline/m-step" })
        {
            Assert.Contains(series + "/loss", tags);
            Assert.Contains(series + "/learning_rate", tags);
            Assert.Contains(series + "/grad_norm", tags);
        }
        Assert.All(scalars.Where(s => s.Tag.EndsWith("/grad_norm", StringComparison.Ordinal)), s => Assert.True(s.Value > 0));
        Assert.Contains("baseline/pass@1", tags);
        Assert.Equal([0L, 1L, 2L], scalars.Where(s => s.Tag == "eval/pass@1").Select(s => s.Step));
        Assert.Contains("eval/pass@4", tags);
        Assert.Contains("eval/maj@4", tags);
        Assert.Equal([1L, 2L], scalars.Where(s => s.Tag == "estep/accept_rate").Select(s => s.Step));
        var mstep = scalars.Where(s => s.Tag == "train/iter-1/m-step/loss").ToList();
        Assert.Equal(Enumerable.Range(1, mstep.Count).Select(i => (long)i), mstep.Select(s => s.Step));
        var pass1 = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(new RunLayout(run.RunDir).Metrics(2)))!["pass@1"];
        Assert.Equal((float)pass1, scalars.Last(s => s.Tag == "eval/pass@1").Value);
    }

    [Fact]
    public void The_status_file_says_the_run_is_done()
    {
        Assert.Equal(0, run.ExitCode);
        using var status = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.RunDir, "status.json")));
        var root = status.RootElement;
        Assert.Equal("done", root.GetProperty("state").GetString());
        Assert.Equal(new ManifestStore(new RunLayout(run.RunDir)).Load().RunId, root.GetProperty("run_id").GetString());
        Assert.Equal(2, root.GetProperty("iteration").GetInt32());
        Assert.True(root.GetProperty("pid").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("last_error").ValueKind);
        Assert.True(root.GetProperty("updated_utc").GetDateTime() >= root.GetProperty("started_utc").GetDateTime());
    }

    [Fact]
    public async Task Eval_of_a_run_checkpoint_reproduces_what_the_run_recorded()
    {
        Assert.Equal(0, run.ExitCode);
        var layout = new RunLayout(run.RunDir);
        var outDir = Path.Combine(run.Root, "eval-1");

        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(3),
            "eval", "--checkpoint", layout.Checkpoint(1), "--config", TinyJsonRun.TinyConfig, "--output", outDir);
        output.WriteLine(text);

        Assert.Equal(0, code);
        Assert.Contains("pass@1", text);
        var expected = await ParquetFile.ReadAsync<EvalRow>(layout.Eval(1));
        var actual = await ParquetFile.ReadAsync<EvalRow>(Path.Combine(outDir, "eval.parquet"));
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equivalent(expected, actual, strict: true);
        Assert.Equal(
            JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(layout.Metrics(1))),
            JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Path.Combine(outDir, "metrics.json"))));
    }

    [Fact]
    public async Task Eval_refuses_a_folder_that_is_not_a_checkpoint_with_code_2()
    {
        var notCheckpoint = Path.Combine(run.Root, "empty");
        Directory.CreateDirectory(notCheckpoint);

        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1),
            "eval", "--checkpoint", notCheckpoint, "--config", TinyJsonRun.TinyConfig, "--output", Path.Combine(run.Root, "eval-x"));

        Assert.Equal(2, code);
        Assert.Contains("--checkpoint", text);
        Assert.Contains("config.json", text);

        var noTokenizer = Path.Combine(run.Root, "no-tokenizer");
        Directory.CreateDirectory(noTokenizer);
        foreach (var name in new[] { "config.json", "model.safetensors" })
            File.Copy(Path.Combine(new RunLayout(run.RunDir).Checkpoint(1), name), Path.Combine(noTokenizer, name));
        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1),
            "eval", "--checkpoint", noTokenizer, "--config", TinyJsonRun.TinyConfig, "--output", Path.Combine(run.Root, "eval-y"));
        Assert.Equal(2, code);
        Assert.Contains("tokenizer", text);
        Assert.DoesNotContain("   at ", text);
    }

    [Fact]
    public async Task Export_writes_D_i_as_hf_jsonl_and_names_what_is_missing()
    {
        Assert.Equal(0, run.ExitCode);
        var layout = new RunLayout(run.RunDir);
        var target = Path.Combine(run.Root, "d1.jsonl");

        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "export", run.RunDir, "--iteration", "1", "--format", "hf", "--output", target);
        output.WriteLine(text);

        Assert.Equal(0, code);
        var rows = await ParquetFile.ReadAsync<TrainRow>(layout.TrainSet(1));
        Assert.NotEmpty(rows);
        var lines = File.ReadAllLines(target);
        Assert.Equal(rows[0].Completion, JsonDocument.Parse(lines[0]).RootElement.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal(rows.Count, lines.Length);
        Assert.All(lines, l => Assert.Equal(2, JsonDocument.Parse(l).RootElement.GetProperty("messages").GetArrayLength()));

        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "export", run.RunDir, "--iteration", "9", "--format", "jsonl", "--output", target);
        Assert.Equal(2, code);
        Assert.Contains("--iteration 9", text);
        Assert.Contains("1, 2", text);

        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "export", run.Root, "--iteration", "1", "--format", "parquet", "--output", target);
        Assert.Equal(2, code);
        Assert.Contains("not a run folder", text);
    }
}
