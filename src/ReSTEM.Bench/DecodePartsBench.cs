using System.Diagnostics;
using ReSTEM.Model;
using static TorchSharp.torch;

namespace ReSTEM.Bench;

/// <summary>
/// <c>decode-parts</c>: two parts of a decode step, each beside what it replaced, in one run.
/// (1) Top-k candidates over a 151,936-token vocabulary (Qwen2's) at 1 / 256 / 1,024 rows:
/// <see cref="TokenSampler.TopK"/> (block maxima) against libtorch's full-width <c>topk</c>; on
/// the CPU in float32, on CUDA in bfloat16 when a CUDA libtorch is usable.
/// (2) Stop-string checks of one sequence every 16 tokens: <see cref="StopStringScan"/> against
/// decoding the whole text at every check, at 256 / 1,024 / 4,096 tokens.
/// Options: <c>--tokenizer DIR</c> (a folder with tokenizer.json; default the built-in char
/// tokenizer), <c>--cpu-only</c> or <c>--gpu-only</c> (the top-k rows on one device only), <c>--repeats N</c>.
/// </summary>
internal static class DecodePartsBench
{
    private const int Vocab = 151936;
    private const int K = 40;

    public static int Run(string[] args)
    {
        DeviceResolver.ConfigureCpuRuntime();
        var tokenizerDir = BenchArguments.Text(args, "--tokenizer");
        var repeats = (int)BenchArguments.Number(args, "--repeats", 20);
        Console.WriteLine($"decode-parts benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical CPUs, torch threads {get_num_threads()}");

        if (!args.Contains("--gpu-only")) TopKRows(CPU, ScalarType.Float32, repeats);
        if (!args.Contains("--cpu-only"))
        {
            if (DeviceResolver.IsCudaAvailable(out var why)) TopKRows(new Device(TorchSharp.DeviceType.CUDA, 0), ScalarType.BFloat16, repeats * 5);
            else Console.WriteLine($"top-k on CUDA: skipped, no usable CUDA ({why})");
        }

        var tokenizer = tokenizerDir is null ? new CharTokenizer() : Tokenizers.Load(tokenizerDir);
        StopChecks(tokenizer, tokenizerDir ?? "built-in char");
        return 0;
    }

    private static void TopKRows(Device device, ScalarType dtype, int repeats)
    {
        Console.WriteLine($"top-{K} candidates over {Vocab:N0} logits, {device.type} {dtype}, median of {repeats}:");
        foreach (var rows in new[] { 1, 256, 1024 })
        {
            using var scope = NewDisposeScope();
            using var generator = new TorchSharp.torch.Generator(7, CPU);
            var logits = randn([rows, Vocab], ScalarType.Float32, CPU, false, generator).to(dtype).to(device);
            var full = Median(repeats, device, () => logits.topk(K, dim: -1, largest: true, sorted: false));
            var blocks = Median(repeats, device, () => TokenSampler.TopK(logits, K, sorted: false));
            Console.WriteLine($"  {rows,5} rows: full topk {full * 1e3,8:F3} ms, block maxima {blocks * 1e3,8:F3} ms  ({full / blocks:F1}x)");
        }
    }

    private static double Median(int repeats, Device device, Func<(Tensor, Tensor)> work)
    {
        var times = new List<double>();
        for (var i = 0; i < repeats + 2; i++)
        {
            using var scope = NewDisposeScope();
            Sync(device);
            var clock = Stopwatch.StartNew();
            work();
            Sync(device);
            if (i >= 2) times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static void Sync(Device device)
    {
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize(device);
    }

    private static void StopChecks(ITokenizer tokenizer, string name)
    {
        const int every = 16;
        Console.WriteLine($"stop-string checks every {every} tokens, one sequence, tokenizer {name}:");
        var text = string.Concat(Enumerable.Repeat("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. 48 / 2 = 24. ", 400));
        var all = tokenizer.Encode(text).ToList();
        string[] stops = ["\nQuestion:"];
        foreach (var length in new[] { 256, 1024, 4096 })
        {
            var tokens = all.GetRange(0, Math.Min(length, all.Count));
            var clock = Stopwatch.StartNew();
            var whole = 0L;
            for (var end = every; end <= tokens.Count; end += every)
            {
                var decoded = tokenizer.Decode(tokens.GetRange(0, end));
                if (decoded.Contains(stops[0], StringComparison.Ordinal)) break;
                whole += end;
            }
            var wholeSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var scan = new StopStringScan(tokenizer, stops);
            for (var end = every; end <= tokens.Count; end += every)
            {
                if (scan.Advance(tokens, end, out _) is not null) break;
            }
            var scanSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  {tokens.Count,5} tokens: whole text {wholeSeconds * 1e3,9:F2} ms ({whole:N0} tokens decoded), "
                + $"newest text {scanSeconds * 1e3,7:F2} ms ({scan.DecodedTokens:N0} decoded)  ({wholeSeconds / scanSeconds:F0}x)");
        }
    }
}
