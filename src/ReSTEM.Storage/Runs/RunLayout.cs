namespace ReSTEM.Storage.Runs;

/// <summary>
/// The paths of one run folder (DESIGN.md, "Data on disk"):
/// <code>
/// run.json                        manifest
/// iter-&lt;i&gt;/samples/*.parquet      every verified sample of iteration i's E-step
/// iter-&lt;i&gt;/train.parquet         D_i, sealed at the barrier
/// iter-&lt;i&gt;/checkpoint/           model.safetensors + config.json + tokenizer files (iter-0: the base model)
/// iter-&lt;i&gt;/eval.parquet          per-problem evaluation; metrics.json beside it
/// baseline-sft/                   the SFT-on-human-solutions baseline (<see cref="SftBaseline"/>): train.parquet, checkpoint/, eval.parquet, metrics.json
/// </code>
/// </summary>
public sealed class RunLayout
{
    /// <summary>Lays out the run folder <paramref name="root"/> (not created here).</summary>
    public RunLayout(string root)
    {
        Root = Path.GetFullPath(root);
    }

    /// <summary>
    /// The iteration number of the SFT baseline (fine-tuned from the base model on the train split's
    /// human solutions): its manifest record, its rows' <c>iteration</c> column and its folder
    /// <c>baseline-sft</c> use it, so it never mixes with the ReST-EM iterations 0..N.
    /// </summary>
    public const int SftBaseline = -1;

    /// <summary>The run folder.</summary>
    public string Root { get; }

    /// <summary><c>run.json</c>.</summary>
    public string Manifest => Path.Combine(Root, "run.json");

    /// <summary>Where damaged files are moved by <c>--quarantine</c>.</summary>
    public string Quarantine => Path.Combine(Root, "quarantine");

    /// <summary><c>iter-&lt;i&gt;</c>, or <c>baseline-sft</c> for <see cref="SftBaseline"/>.</summary>
    public string Iteration(int iteration) =>
        Path.Combine(Root, iteration == SftBaseline ? "baseline-sft" : $"iter-{iteration}");

    /// <summary><c>iter-&lt;i&gt;/samples</c>.</summary>
    public string Samples(int iteration) => Path.Combine(Iteration(iteration), "samples");

    /// <summary><c>iter-&lt;i&gt;/train.parquet</c>.</summary>
    public string TrainSet(int iteration) => Path.Combine(Iteration(iteration), "train.parquet");

    /// <summary><c>iter-&lt;i&gt;/checkpoint</c>.</summary>
    public string Checkpoint(int iteration) => Path.Combine(Iteration(iteration), "checkpoint");

    /// <summary><c>iter-&lt;i&gt;/eval.parquet</c>.</summary>
    public string Eval(int iteration) => Path.Combine(Iteration(iteration), "eval.parquet");

    /// <summary><c>iter-&lt;i&gt;/metrics.json</c>.</summary>
    public string Metrics(int iteration) => Path.Combine(Iteration(iteration), "metrics.json");
}
