using System.Text.Json.Nodes;

namespace ReSTEM.Model.Tests;

/// <summary>Small models and fixture paths shared by the tests.</summary>
internal static class TestModels
{
    public static string DataDir(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    /// <summary>A 2-layer GQA char model, small enough for hundreds of steps in a test.</summary>
    public static ModelConfig TinyConfig(int maxPositions = 256) =>
        ModelConfig.BuiltIn(vocabSize: new CharTokenizer().VocabSize, hidden: 32, layers: 2, heads: 4, kvHeads: 2, intermediate: 64, maxPositions: maxPositions);

    public static Policy TinyPolicy(long seed = 7, int maxPositions = 256) =>
        Policy.CreateRandom(TinyConfig(maxPositions), new CharTokenizer(), DeviceOptions.Cpu, seed);

    public static JsonObject Reference(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(DataDir(name), "reference.json")))!;

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "restem-model-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
