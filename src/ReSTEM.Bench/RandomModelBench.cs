using System.Diagnostics;
using ReSTEM.Model;

namespace ReSTEM.Bench;

/// <summary>
/// <c>random-model</c>: writes a randomly initialised model of a named shape as a Hugging Face folder
/// (config.json, model.safetensors, generation_config.json and the given tokenizer's files), so a
/// whole <c>restem run</c> can be timed at a real model's size where no trained weights are at hand.
/// Options: <c>--out DIR</c> (required), <c>--tokenizer DIR</c> (a folder with tokenizer.json, required),
/// <c>--shape qwen2-0.5b|tiny</c> (default qwen2-0.5b), <c>--seed N</c> (default 1),
/// <c>--weights float32|bfloat16</c> (default bfloat16).
/// </summary>
internal static class RandomModelBench
{
    public static int Run(string[] args)
    {
        var output = BenchArguments.Text(args, "--out");
        var tokenizerDir = BenchArguments.Text(args, "--tokenizer");
        if (output is null || tokenizerDir is null)
        {
            Console.Error.WriteLine("usage: ReSTEM.Bench random-model --out DIR --tokenizer DIR [--shape qwen2-0.5b|tiny] [--seed N] [--weights float32|bfloat16]");
            return 2;
        }
        var shape = BenchArguments.Text(args, "--shape") ?? "qwen2-0.5b";
        if (!ModelShapes.Names.Contains(shape))
        {
            Console.Error.WriteLine($"--shape {shape}: expected one of {string.Join(", ", ModelShapes.Names)}");
            return 2;
        }
        var seed = (long)BenchArguments.Number(args, "--seed", 1);
        var weights = BenchArguments.Text(args, "--weights") ?? "bfloat16";

        var clock = Stopwatch.StartNew();
        var tokenizer = Tokenizers.Load(tokenizerDir);
        var config = ModelShapes.ByName(shape);
        // The model is built on the CPU: its weights are written, never run here.
        using var policy = Policy.CreateRandom(config, tokenizer, DeviceOptions.Cpu, seed);
        policy.Save(output, weights);
        Console.WriteLine($"random {shape} model, {policy.ParameterCount:N0} parameters, seed {seed}, {weights} weights, tokenizer from {tokenizerDir}: {output} ({clock.Elapsed.TotalSeconds:F1} s)");
        return 0;
    }
}
