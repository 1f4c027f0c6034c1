namespace ReSTEM.Bench;

/// <summary>The benchmarks this program knows, by name. Each room's benchmark adds one line.</summary>
internal static class BenchRegistry
{
    public static IReadOnlyDictionary<string, Func<string[], int>> All { get; } = new Dictionary<string, Func<string[], int>>
    {
        ["model"] = ModelBench.Run,
        ["sandbox"] = SandboxBench.Run,
        ["soak"] = SoakBench.Run,
        ["storage"] = StorageBench.Run,
        ["grade"] = GradeBench.Run,
        ["ceiling"] = CeilingBench.Run,
        ["cluster"] = ClusterBench.Run,
        ["decode-parts"] = DecodePartsBench.Run,
        ["random-model"] = RandomModelBench.Run,
    };
}
