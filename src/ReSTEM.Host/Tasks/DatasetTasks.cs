using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ReSTEM.Actors.Grading;
using ReSTEM.Core.Datasets;
using ReSTEM.Core.Options;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Prompts;
using ReSTEM.Core.Tasks.Datasets;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;
using ReSTEM.Host.Configuration;
using ReSTEM.Model;

namespace ReSTEM.Host.Tasks;

/// <summary>
/// Builds a dataset task (<c>gsm8k</c>, <c>math</c>, <c>humaneval</c>, <c>mbpp</c>, <c>apps</c>) of a
/// run: reads <c>restem.data</c>'s files with the readers <c>grade</c> uses, holds out the
/// validation share, writes prompts as <c>restem.prompt</c> says (the chat format read from the
/// base model's <c>chat_template</c> when asked), and leaves out or refuses prompts longer than
/// the limit in the tokens of every model that reads them (the base, and a teacher).
/// </summary>
public static class DatasetTasks
{
    /// <summary>Creates the task; <paramref name="verifier"/> is the task's verifier (a sandboxed one for code).</summary>
    /// <exception cref="ConfigurationError">A file is malformed (naming file, line and field), problems repeat across splits, or a prompt is too long with <c>too-long = error</c>.</exception>
    public static DatasetTask Create(RunOptions options, IVerifier verifier)
    {
        var task = options.Task;
        var preset = PromptPresets.For(task);
        var train = Read(task, options.Data.Train);
        var test = Read(task, options.Data.Test);
        IReadOnlyList<Problem> validation;
        if (options.Data.Validation is { } valFile)
        {
            validation = Read(task, valFile);
        }
        else
        {
            (train, validation) = HoldOut(train, options.Data.ValidationFraction, options.Seed);
        }
        var splits = new Dictionary<Split, IReadOnlyList<Problem>> { [Split.Train] = train, [Split.Validation] = validation, [Split.Test] = test };
        CheckDisjoint(splits);

        var baseConfig = ReadTokenizerConfig(options.Model.Base);
        var chatTemplate = baseConfig?["chat_template"] is JsonValue t && t.TryGetValue<string>(out var text) ? text : null;
        var chat = options.Prompt.Chat switch
        {
            "none" => ChatFormat.None,
            "chatml" => ChatFormat.ChatMl,
            "llama3" => ChatFormat.Llama3,
            _ => ChatTemplates.Detect(chatTemplate) is var detected && detected != ChatFormat.None
                ? detected
                : throw new ConfigurationError($"restem.prompt.chat = auto, but {Path.Combine(options.Model.Base, HfTokenizer.ConfigFileName)} has no chat_template of a known format (ChatML, Llama 3); set restem.prompt.chat to none, chatml or llama3"),
        };
        var shots = options.Prompt.Shots ?? preset.Shots;
        var pool = options.Prompt.ExemplarsFile is { } file ? ReadExemplars(file) : preset.Exemplars;
        if (shots > pool.Count)
            throw new ConfigurationError($"restem.prompt.shots = {shots}, but only {pool.Count} exemplars are available for {task}{(options.Prompt.ExemplarsFile is { } f ? $" in {f}" : "")}");
        var builder = new PromptBuilder(
            options.Prompt.Template ?? (chat == ChatFormat.None ? preset.RawTemplate : preset.ChatTemplate),
            pool.Take(shots).ToList(),
            options.Prompt.Separator,
            chat,
            options.Prompt.System,
            chat == ChatFormat.ChatMl ? ChatTemplates.DefaultSystem(chatTemplate) : null);
        var stop = options.Prompt.Stop ?? (chat == ChatFormat.None ? preset.RawStop : preset.ChatStop);
        if (chat != ChatFormat.None && task is "humaneval" or "mbpp" or "apps") verifier = new FencedCodeVerifier(verifier);

        var draft = new DatasetTask(task, splits, preset, builder, stop, verifier);
        var limits = new List<(ITokenizer Tokenizer, int Max)> { Limit(options.Model.Base, options.Prompt.MaxTokens) };
        if (options.Sampling.Distills) limits.Add(Limit(options.Sampling.Model, options.Prompt.MaxTokens));
        var maxTokens = limits.Min(l => l.Max);
        try
        {
            var (kept, skipped) = PromptLengthFilter.Apply(
                splits, draft.FormatPrompt, prompt => limits.Max(l => Generator.EncodePrompt(l.Tokenizer, prompt).Length), maxTokens, options.Prompt.TooLong);
            if (kept[Split.Train].Count == 0) throw new ConfigurationError($"every train problem's prompt is longer than {maxTokens} tokens: raise restem.prompt.max-tokens or use fewer shots");
            if (kept[Split.Test].Count == 0) throw new ConfigurationError($"every test problem's prompt is longer than {maxTokens} tokens: raise restem.prompt.max-tokens or use fewer shots");
            return new DatasetTask(task, kept, preset, builder, stop, verifier, skipped);
        }
        catch (PromptTooLongException e)
        {
            throw new ConfigurationError(e.Message, e);
        }
    }

    /// <summary>The problems of one file.</summary>
    /// <exception cref="ConfigurationError">The file is malformed or holds no problem.</exception>
    public static IReadOnlyList<Problem> Read(string task, string path)
    {
        if (!JsonlFile.IsJsonl(path) && !Storage.Tables.ParquetRows.IsParquet(path))
            throw new ConfigurationError($"{path}: a dataset file must be .jsonl, .jsonl.gz or .parquet");
        try
        {
            var problems = GradeInput.LoadProblemsAsync(task, path, CancellationToken.None).GetAwaiter().GetResult();
            if (problems.Count == 0) throw new ConfigurationError($"{path}: holds no problem");
            return problems.Values.ToList();
        }
        catch (DatasetFormatException e)
        {
            throw new ConfigurationError($"{e.Message} (restem.task = {task})", e);
        }
        catch (IOException e)
        {
            throw new ConfigurationError($"{path}: cannot read: {e.Message}", e);
        }
    }

    /// <summary>
    /// Splits <paramref name="problems"/> into train and validation: the validation problems are the
    /// <paramref name="fraction"/> whose ids hash lowest under <paramref name="seed"/> (the same
    /// files and seed give the same split), at least one when the fraction is above zero.
    /// </summary>
    public static (IReadOnlyList<Problem> Train, IReadOnlyList<Problem> Validation) HoldOut(IReadOnlyList<Problem> problems, double fraction, long seed)
    {
        if (fraction <= 0) return (problems, []);
        var count = Math.Clamp((int)Math.Round(problems.Count * fraction), 1, Math.Max(0, problems.Count - 1));
        var held = problems
            .OrderBy(p => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{p.Id}"))), StringComparer.Ordinal)
            .Take(count)
            .Select(p => p.Id)
            .ToHashSet(StringComparer.Ordinal);
        return (problems.Where(p => !held.Contains(p.Id)).ToList(), problems.Where(p => held.Contains(p.Id)).ToList());
    }

    private static void CheckDisjoint(IReadOnlyDictionary<Split, IReadOnlyList<Problem>> splits)
    {
        var seen = new Dictionary<string, Split>(StringComparer.Ordinal);
        foreach (var (split, problems) in splits)
        {
            foreach (var p in problems)
            {
                if (seen.TryGetValue(p.Id, out var other))
                    throw new ConfigurationError($"problem {p.Id} is in both the {other.ToName()} and the {split.ToName()} split: the splits must not share problems");
                seen[p.Id] = split;
            }
        }
    }

    private static IReadOnlyList<Exemplar> ReadExemplars(string path)
    {
        var exemplars = new List<Exemplar>();
        foreach (var row in JsonlFile.Read(path))
        {
            if (row.Error is not null) throw new ConfigurationError($"restem.prompt.exemplars-file: {row.Error.Message}");
            var f = new Fields(row, path);
            try
            {
                exemplars.Add(new Exemplar(f.String("question"), f.String("answer")));
            }
            catch (DatasetFormatException e)
            {
                throw new ConfigurationError($"restem.prompt.exemplars-file: {e.Message} (each line needs 'question' and 'answer')", e);
            }
        }
        return exemplars;
    }

    private static JsonObject? ReadTokenizerConfig(string modelDir)
    {
        var path = Path.Combine(modelDir, HfTokenizer.ConfigFileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ConfigurationError($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    // A model reads at most max-tokens prompt tokens, and never more than its context leaves room for one new token.
    private static (ITokenizer Tokenizer, int Max) Limit(string modelDir, int maxTokens)
    {
        try
        {
            var tokenizer = Tokenizers.Load(modelDir);
            var positions = ModelConfig.Load(Path.Combine(modelDir, "config.json")).MaxPositionEmbeddings;
            return (tokenizer, Math.Min(maxTokens, positions - 1));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ConfigurationError($"{modelDir}: cannot read the model's tokenizer or config.json: {e.Message}", e);
        }
    }
}
