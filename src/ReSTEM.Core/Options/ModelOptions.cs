namespace ReSTEM.Core.Options;

/// <summary><c>restem.model</c>: which base model, on which device.</summary>
public sealed record ModelOptions
{
    /// <summary>The value of <see cref="Base"/> that selects the built-in character model, trained by the run itself.</summary>
    public const string BuiltIn = "builtin";

    /// <summary><c>base</c>: <c>builtin</c>, or the path of a Hugging Face model folder (config.json, safetensors, tokenizer.json).</summary>
    public string Base { get; init; } = BuiltIn;

    /// <summary><c>device</c>: auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "auto";

    /// <summary><c>dtype</c>: float32, bfloat16 or float16 (the last two on CUDA only).</summary>
    public string DType { get; init; } = "float32";

    /// <summary><c>builtin</c>: the shape of the built-in model.</summary>
    public BuiltInModelOptions BuiltInModel { get; init; } = new();

    /// <summary><c>pretrain</c>: how the built-in base model is made from human solutions.</summary>
    public PretrainOptions Pretrain { get; init; } = new();
}

/// <summary>
/// <c>restem.model.builtin</c>: a tiny configuration of the same Llama/Qwen2-shaped decoder
/// that loads Hugging Face checkpoints.
/// </summary>
public sealed record BuiltInModelOptions
{
    /// <summary><c>hidden-size</c>.</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary><c>layers</c>.</summary>
    public int Layers { get; init; } = 4;

    /// <summary><c>heads</c>.</summary>
    public int Heads { get; init; } = 4;

    /// <summary><c>kv-heads</c> (grouped-query attention when fewer than heads).</summary>
    public int KvHeads { get; init; } = 2;

    /// <summary><c>intermediate-size</c> of the SwiGLU feed-forward.</summary>
    public int IntermediateSize { get; init; } = 352;

    /// <summary><c>max-positions</c>: the context length.</summary>
    public int MaxPositions { get; init; } = 704;
}

/// <summary>
/// <c>restem.model.pretrain</c>: the built-in base model is trained from random weights on
/// packed arithmetic drill lines and then on a small set of human-written worked solutions.
/// </summary>
public sealed record PretrainOptions
{
    /// <summary><c>drill-lines</c>: arithmetic fact lines (<c>14+5=19</c>) in the pre-training text; 0 for none.</summary>
    public int DrillLines { get; init; } = 20000;

    /// <summary><c>drill-lines-per-example</c>: drill lines packed into one training sequence.</summary>
    public int DrillLinesPerExample { get; init; } = 4;

    /// <summary><c>human-solutions</c>: train problems whose human solution the base model is fine-tuned on.</summary>
    public int HumanSolutions { get; init; } = 300;

    /// <summary><c>drill-epochs</c>: passes over the drill.</summary>
    public int DrillEpochs { get; init; } = 1;

    /// <summary><c>epochs</c>: passes over the human solutions.</summary>
    public int Epochs { get; init; } = 6;

    /// <summary><c>learning-rate</c>.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary><c>batch-size</c>.</summary>
    public int BatchSize { get; init; } = 32;
}
