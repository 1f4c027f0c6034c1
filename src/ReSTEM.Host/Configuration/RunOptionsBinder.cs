using System.Globalization;
using Akka.Configuration;
using ReSTEM.Core.Options;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Tasks.Arithmetic;
using ReSTEM.Core.Tasks.Code;
using ReSTEM.Core.Tasks.Countdown;
using ReSTEM.Core.Training;

namespace ReSTEM.Host.Configuration;

/// <summary>
/// Binds the <c>restem</c> section of a <see cref="HoconDocument"/> to <see cref="RunOptions"/>,
/// checking every value's type and range. The first bad value ends binding with a
/// <see cref="ConfigurationError"/> that names the key, the value and what is allowed.
/// </summary>
public static class RunOptionsBinder
{
    /// <summary>The task names <c>restem.task</c> accepts.</summary>
    public static IReadOnlyList<string> TaskNames { get; } = ["countdown", "arithmetic", "code", "gsm8k", "math", "humaneval", "mbpp", "apps"];

    /// <summary>Binds and validates.</summary>
    public static RunOptions Bind(HoconDocument document)
    {
        var c = new Reader(document.Effective, document.Source);
        var arithmetic = new ArithmeticOptions
        {
            TrainProblems = c.Int("restem.tasks.arithmetic.train-problems", 1),
            ValidationProblems = c.Int("restem.tasks.arithmetic.val-problems", 0),
            TestProblems = c.Int("restem.tasks.arithmetic.test-problems", 1),
            MaxStart = c.Int("restem.tasks.arithmetic.max-start", 1, 10_000),
            MaxStep = c.Int("restem.tasks.arithmetic.max-step", 1, 10_000),
            MaxValue = c.Int("restem.tasks.arithmetic.max-value", 2, 1_000_000),
            MinDifficulty = c.Int("restem.tasks.arithmetic.min-difficulty", 1, 5),
            MaxDifficulty = c.Int("restem.tasks.arithmetic.max-difficulty", 1, 5),
            Seed = c.Long("restem.tasks.arithmetic.seed"),
        };
        c.Check("restem.tasks.arithmetic", arithmetic.Validate);
        var code = new CodeTaskOptions
        {
            TrainSize = c.Int("restem.tasks.code.train-problems", 1),
            ValidationSize = c.Int("restem.tasks.code.val-problems", 0),
            TestSize = c.Int("restem.tasks.code.test-problems", 1),
            TestsPerProblem = c.Int("restem.tasks.code.tests-per-problem", 1, 100),
            Seed = c.Int("restem.tasks.code.seed", 0),
        };
        c.Check("restem.tasks.code", code.Validate);
        var countdown = new CountdownOptions
        {
            TrainProblems = c.Int("restem.tasks.countdown.train-problems", 1),
            ValidationProblems = c.Int("restem.tasks.countdown.val-problems", 0),
            TestProblems = c.Int("restem.tasks.countdown.test-problems", 1),
            MinNumbers = c.Int("restem.tasks.countdown.min-numbers", 2, CountdownSolver.MaxNumbers),
            MaxNumbers = c.Int("restem.tasks.countdown.max-numbers", 2, CountdownSolver.MaxNumbers),
            MaxNumber = c.Int("restem.tasks.countdown.max-number", 2, 1000),
            MaxTarget = c.Int("restem.tasks.countdown.max-target", 2, 1_000_000),
            StepSolutionShare = c.Double("restem.tasks.countdown.step-solution-share", 0, 1),
            Seed = c.Long("restem.tasks.countdown.seed"),
        };
        c.Check("restem.tasks.countdown", countdown.Validate);

        var decoding = new SamplingOptions
        {
            Temperature = c.Double("restem.sampling.temperature", 0, 100),
            TopK = c.Int("restem.sampling.top-k", 0),
            TopP = c.Double("restem.sampling.top-p", double.Epsilon, 1),
            MaxNewTokens = c.Int("restem.sampling.max-new-tokens", 1, 1 << 20),
            Stop = c.StringList("restem.sampling.stop"),
        };
        c.Check("restem.sampling", decoding.Validate);

        var optimizer = new TrainingOptions
        {
            Epochs = c.Int("restem.training.epochs", 1),
            LearningRate = c.Double("restem.training.learning-rate", double.Epsilon, 10),
            MinLearningRateRatio = c.Double("restem.training.min-learning-rate-ratio", 0, 1),
            WarmupSteps = c.Int("restem.training.warmup-steps", 0),
            WeightDecay = c.Double("restem.training.weight-decay", 0, 10),
            Beta1 = c.Double("restem.training.beta1", 0, 0.999999),
            Beta2 = c.Double("restem.training.beta2", 0, 0.999999),
            GradientClip = c.Double("restem.training.gradient-clip", 0, 1e9),
            BatchSize = c.Int("restem.training.batch-size", 1),
            GradientAccumulation = c.Int("restem.training.gradient-accumulation", 1),
            MaxSequenceLength = c.Int("restem.training.max-sequence-length", 2),
            Seed = c.Long("restem.training.seed"),
        };
        c.Check("restem.training", optimizer.Validate);

        var options = new RunOptions
        {
            Task = c.OneOf("restem.task", TaskNames),
            Iterations = c.Int("restem.iterations", 1, 1000),
            Seed = c.Long("restem.seed"),
            RunName = c.Name("restem.run-name"),
            RunsDirectory = c.NonEmpty("restem.runs-dir"),
            EarlyStop = c.Bool("restem.early-stop"),
            Model = new ModelOptions
            {
                Base = c.NonEmpty("restem.model.base"),
                Device = c.Device("restem.model.device"),
                DType = c.OneOf("restem.model.dtype", ["float32", "bfloat16", "float16"]),
                BuiltInModel = new BuiltInModelOptions
                {
                    HiddenSize = c.Int("restem.model.builtin.hidden-size", 8, 1 << 16),
                    Layers = c.Int("restem.model.builtin.layers", 1, 512),
                    Heads = c.Int("restem.model.builtin.heads", 1, 1024),
                    KvHeads = c.Int("restem.model.builtin.kv-heads", 1, 1024),
                    IntermediateSize = c.Int("restem.model.builtin.intermediate-size", 1, 1 << 20),
                    MaxPositions = c.Int("restem.model.builtin.max-positions", 16, 1 << 20),
                },
                Pretrain = new PretrainOptions
                {
                    DrillLines = c.Int("restem.model.pretrain.drill-lines", 0),
                    DrillLinesPerExample = c.Int("restem.model.pretrain.drill-lines-per-example", 1, 10_000),
                    DrillEpochs = c.Int("restem.model.pretrain.drill-epochs", 1, 1000),
                    HumanSolutions = c.Int("restem.model.pretrain.human-solutions", 1),
                    Epochs = c.Int("restem.model.pretrain.epochs", 1, 1000),
                    LearningRate = c.Double("restem.model.pretrain.learning-rate", double.Epsilon, 10),
                    BatchSize = c.Int("restem.model.pretrain.batch-size", 1),
                },
            },
            Sampling = new EStepOptions
            {
                SamplesPerProblem = c.Int("restem.sampling.samples-per-problem", 1, 100_000),
                Decoding = decoding,
                ProblemsPerBatch = c.Int("restem.sampling.problems-per-batch", 1),
                MaxConcurrentSequences = c.Int("restem.sampling.max-concurrent-sequences", 1),
                Samplers = c.Int("restem.sampling.samplers", 1, 64),
                MaxTrainProblems = c.Int("restem.sampling.max-train-problems", 0),
                Model = c.NonEmpty("restem.sampling.model"),
            },
            Verification = new VerificationOptions
            {
                Parallelism = c.Int("restem.verification.parallelism", 0, 4096),
                TimeoutSeconds = c.Double("restem.verification.timeout-seconds", 0.01, 86_400),
                Retries = c.Int("restem.verification.retries", 0, 100),
                MaxConsecutiveSandboxErrors = c.Int("restem.verification.max-consecutive-sandbox-errors", 1, 1_000_000),
                MemoryMB = c.Int("restem.verification.memory-mb", 16, 1 << 20),
            },
            Filter = new FilterOptions { MaxCorrectPerProblem = c.Int("restem.filter.max-correct-per-problem", 1) },
            Training = new MStepOptions
            {
                StartFrom = c.OneOf("restem.training.start-from", ["base", "last"]) == "base" ? StartFrom.Base : StartFrom.Last,
                Optimizer = optimizer,
                SelectByValidation = c.Bool("restem.training.select-by-validation"),
            },
            Evaluation = new EvaluationOptions
            {
                SamplesPerProblem = c.Int("restem.evaluation.samples-per-problem", 0, 100_000),
                K = c.IntList("restem.evaluation.k", 1),
                Temperature = c.Double("restem.evaluation.temperature", 0, 100),
                MaxTestProblems = c.Int("restem.evaluation.max-test-problems", 0),
                MaxValidationProblems = c.Int("restem.evaluation.max-val-problems", 0),
            },
            Pipeline = new PipelineOptions
            {
                WriteBatchProblems = c.Int("restem.pipeline.write-batch-problems", 1),
                WriteIntervalMs = c.Int("restem.pipeline.write-interval-ms", 1),
                SamplerTimeoutSeconds = c.Double("restem.pipeline.sampler-timeout-seconds", 1, 1e7),
                VerifyTimeoutSeconds = c.Double("restem.pipeline.verify-timeout-seconds", 1, 1e7),
                MaxPasses = c.Int("restem.pipeline.max-passes", 1, 100),
            },
            Baseline = c.OneOf("restem.baseline", ["none", "sft"]) == "sft" ? BaselineKind.Sft : BaselineKind.None,
            Tasks = new TaskOptions { Arithmetic = arithmetic, Code = code, Countdown = countdown },
            Data = BindData(c),
            Prompt = BindPrompt(c),
        };

        if (options.Model.BuiltInModel.HiddenSize % options.Model.BuiltInModel.Heads != 0)
            throw new ConfigurationError($"{document.Source}: restem.model.builtin.hidden-size ({options.Model.BuiltInModel.HiddenSize}) must be a multiple of restem.model.builtin.heads ({options.Model.BuiltInModel.Heads})");
        if (options.Model.BuiltInModel.Heads % options.Model.BuiltInModel.KvHeads != 0)
            throw new ConfigurationError($"{document.Source}: restem.model.builtin.heads ({options.Model.BuiltInModel.Heads}) must be a multiple of restem.model.builtin.kv-heads ({options.Model.BuiltInModel.KvHeads})");
        if (options.Evaluation.SamplesPerProblem > 0 && options.Evaluation.K.Any(k => k > options.Evaluation.SamplesPerProblem))
            throw new ConfigurationError($"{document.Source}: every restem.evaluation.k must be at most restem.evaluation.samples-per-problem ({options.Evaluation.SamplesPerProblem}), got [{string.Join(", ", options.Evaluation.K)}]");
        if (options.Model.Base != ModelOptions.BuiltIn && !Directory.Exists(options.Model.Base))
            throw new ConfigurationError($"{document.Source}: restem.model.base is '{options.Model.Base}', which is neither 'builtin' nor an existing model folder");
        if (options.Sampling.Distills && !Directory.Exists(options.Sampling.Model))
            throw new ConfigurationError($"{document.Source}: restem.sampling.model is '{options.Sampling.Model}', which is neither 'policy' nor an existing model folder");
        var dataset = Core.Prompts.PromptPresets.Tasks.Contains(options.Task);
        if (dataset)
        {
            if (options.Data.Train.Length == 0) throw new ConfigurationError($"{document.Source}: restem.data.train is missing: restem.task = {options.Task} reads its problems from files");
            if (options.Data.Test.Length == 0) throw new ConfigurationError($"{document.Source}: restem.data.test is missing: restem.task = {options.Task} reads its problems from files");
            foreach (var (key, path) in new[] { ("train", options.Data.Train), ("test", options.Data.Test), ("val", options.Data.Validation ?? "") })
            {
                if (path.Length > 0 && !File.Exists(path)) throw new ConfigurationError($"{document.Source}: restem.data.{key} = {path}: no such file");
            }
            if (options.Model.Base == ModelOptions.BuiltIn)
                throw new ConfigurationError($"{document.Source}: restem.task = {options.Task} needs a Hugging Face model: set restem.model.base to its folder (the built-in model knows only the built-in tasks)");
        }
        else if (options.Data.Train.Length > 0 || options.Data.Test.Length > 0 || options.Data.Validation is not null)
        {
            throw new ConfigurationError($"{document.Source}: restem.data is set, but restem.task = {options.Task} is a built-in task that makes its own problems (the dataset tasks: {string.Join(", ", Core.Prompts.PromptPresets.Tasks)})");
        }
        return options;
    }

    private static DataOptions BindData(Reader c)
    {
        var val = c.Raw("restem.data.val");
        var isFraction = double.TryParse(val, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction);
        if (isFraction && (fraction < 0 || fraction >= 1 || double.IsNaN(fraction)))
            throw c.Error("restem.data.val", val, "a file, or a fraction of train in [0, 1)");
        return new DataOptions
        {
            Train = c.Optional("restem.data.train"),
            Test = c.Optional("restem.data.test"),
            Validation = isFraction ? null : c.NonEmpty("restem.data.val"),
            ValidationFraction = isFraction ? fraction : 0,
        };
    }

    private static Core.Prompts.PromptOptions BindPrompt(Reader c)
    {
        var shots = c.Raw("restem.prompt.shots");
        var prompt = new Core.Prompts.PromptOptions
        {
            Template = c.Optional("restem.prompt.template") is { Length: > 0 } template ? template : null,
            Shots = shots == "default" ? null : c.Int("restem.prompt.shots", 0, 1000),
            ExemplarsFile = c.Optional("restem.prompt.exemplars-file") is { Length: > 0 } file ? file : null,
            Stop = c.Raw("restem.prompt.stop") == "default" ? null : c.StringList("restem.prompt.stop"),
            Chat = c.OneOf("restem.prompt.chat", ["none", "auto", "chatml", "llama3"]),
            System = c.Optional("restem.prompt.system") is { Length: > 0 } system ? system : null,
            MaxTokens = c.Int("restem.prompt.max-tokens", 1, 1 << 20),
            TooLong = c.OneOf("restem.prompt.too-long", ["skip", "error"]) == "error" ? Core.Prompts.TooLongPrompt.Error : Core.Prompts.TooLongPrompt.Skip,
        };
        c.Check("restem.prompt", prompt.Validate);
        if (prompt.ExemplarsFile is { } path && !File.Exists(path)) throw c.Error("restem.prompt.exemplars-file", path, "an existing JSONL file");
        return prompt;
    }

    internal sealed class Reader(Config config, string source)
    {
        public int Int(string key, int min, int max = int.MaxValue)
        {
            var value = Long(key);
            if (value < min || value > max) throw Error(key, value.ToString(CultureInfo.InvariantCulture), max == int.MaxValue ? $"an integer >= {min}" : $"an integer in [{min}, {max}]");
            return (int)value;
        }

        public long Long(string key)
        {
            var text = Text(key);
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Error(key, text, "an integer");
        }

        public double Double(string key, double min, double max)
        {
            var text = Text(key);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
                throw Error(key, text, "a number");
            if (value < min || value > max) throw Error(key, text, $"a number in [{(min == double.Epsilon ? "> 0" : min.ToString(CultureInfo.InvariantCulture))}, {max.ToString(CultureInfo.InvariantCulture)}]");
            return value;
        }

        public bool Bool(string key)
        {
            var text = Text(key);
            return text switch
            {
                "true" or "on" or "yes" => true,
                "false" or "off" or "no" => false,
                _ => throw Error(key, text, "true or false"),
            };
        }

        public string OneOf(string key, IReadOnlyList<string> allowed)
        {
            var text = Text(key);
            return allowed.Contains(text) ? text : throw Error(key, text, "one of " + string.Join(", ", allowed));
        }

        public string Optional(string key)
        {
            var value = config.GetValue(key);
            if (value is null || value.IsEmpty) return "";
            if (value.IsObject() || value.IsArray()) throw Error(key, Raw(key), "a single value");
            return value.GetString() ?? "";
        }

        public string NonEmpty(string key)
        {
            var text = Text(key);
            return text.Length > 0 ? text : throw Error(key, "\"\"", "a non-empty string");
        }

        public string Name(string key)
        {
            var text = NonEmpty(key);
            return text.All(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.') && text is not "." and not ".."
                ? text
                : throw Error(key, text, "a folder name of letters, digits, '-', '_' and '.'");
        }

        public string Device(string key)
        {
            var text = Text(key);
            var ok = text is "auto" or "cpu" or "cuda" || (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text[5..], out var n) && n >= 0);
            return ok ? text : throw Error(key, text, "auto, cpu, cuda or cuda:N");
        }

        public IReadOnlyList<string> StringList(string key)
        {
            try
            {
                var values = config.GetStringList(key).ToList();
                // Akka's HOCON parser reads a quoted string of only white space ("\n\n") as empty.
                if (values.Any(v => v.Length == 0))
                    throw Error(key, Raw(key), "non-empty strings; a stop string of only white space such as \"\\n\\n\" cannot be written in HOCON here, end it with visible text (e.g. \"\\nQ:\")");
                return values;
            }
            catch (ConfigurationError)
            {
                throw;
            }
            catch (Exception e)
            {
                throw Error(key, Raw(key), "a list of strings, e.g. [\"\\n\\n\"]", e);
            }
        }

        public IReadOnlyList<int> IntList(string key, int min)
        {
            IList<int> values;
            try
            {
                values = config.GetIntList(key);
            }
            catch (Exception e)
            {
                throw Error(key, Raw(key), "a list of integers, e.g. [1, 4, 8]", e);
            }
            if (values.Count == 0 || values.Any(v => v < min)) throw Error(key, Raw(key), $"a non-empty list of integers >= {min}");
            return values.ToList();
        }

        public void Check(string section, Action validate)
        {
            try
            {
                validate();
            }
            catch (ArgumentException e)
            {
                throw new ConfigurationError($"{source}: {section}: {e.Message}");
            }
        }

        private string Text(string key)
        {
            var value = config.GetValue(key);
            if (value is null || value.IsEmpty) throw new ConfigurationError($"{source}: {key} is missing");
            if (value.IsObject() || value.IsArray()) throw Error(key, Raw(key), "a single value");
            return value.GetString() ?? "";
        }

        public string Raw(string key) => config.GetValue(key)?.ToString() ?? "(missing)";

        public ConfigurationError Error(string key, string value, string allowed, Exception? inner = null) =>
            new($"{source}: {key} = {value} is not allowed: expected {allowed}", inner);
    }
}
