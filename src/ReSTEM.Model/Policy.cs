using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// A model with its tokenizer on a device: the unit the rest of the system samples from, trains,
/// saves and loads. A checkpoint folder holds <c>config.json</c>, <c>model.safetensors</c> (HF
/// tensor names) and the tokenizer's files, so HF transformers can load it too.
/// </summary>
public sealed class Policy : IDisposable
{
    private readonly string? _loadedDigest;

    private Policy(ModelConfig config, ITokenizer tokenizer, DecoderModel model, ResolvedDevice device, bool inferenceOnly = false, string? loadedDigest = null)
    {
        Config = config;
        Tokenizer = tokenizer;
        Model = model;
        Device = device;
        InferenceOnly = inferenceOnly;
        _loadedDigest = loadedDigest;
    }

    /// <summary>The model's shape.</summary>
    public ModelConfig Config { get; }

    /// <summary>The tokenizer.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>The decoder.</summary>
    public DecoderModel Model { get; }

    /// <summary>The device, compute precision and why they were chosen.</summary>
    public ResolvedDevice Device { get; }

    /// <summary>
    /// True when loaded by <see cref="LoadForInference"/>: weights in the compute precision and no
    /// float32 master weights, so it generates but cannot be trained, cloned or saved.
    /// </summary>
    public bool InferenceOnly { get; }

    /// <summary>Number of scalar weights.</summary>
    public long ParameterCount => Model.ParameterCount;

    /// <summary>A model with HF-style random weights drawn from <paramref name="seed"/> (the same seed gives the same weights on any device).</summary>
    public static Policy CreateRandom(ModelConfig config, ITokenizer tokenizer, DeviceOptions device, long seed)
    {
        config.Validate();
        CheckTokenizer(config, tokenizer, "the tokenizer");
        var resolved = DeviceResolver.Resolve(device);
        var model = new DecoderModel(config, resolved.Device) { ComputeType = resolved.ComputeType };
        try
        {
            model.InitializeRandom(seed);
            model.eval();
            return new Policy(config, tokenizer, model, resolved);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads a checkpoint folder: <c>config.json</c>, <c>model.safetensors</c> or a sharded index, and
    /// <c>tokenizer.json</c> or <c>char_tokenizer.json</c>. Errors name the file that is missing or malformed.
    /// </summary>
    public static Policy Load(string checkpointDir, DeviceOptions device) =>
        LoadOn(checkpointDir, DeviceResolver.Resolve(device), inferenceOnly: false, withDigest: false);

    /// <summary>
    /// Loads a checkpoint folder for generation only: the weights are cast to the compute precision
    /// as they are copied to the device (bfloat16 on CUDA when the run computes in bfloat16), so one
    /// copy in that precision is resident and no float32 one. On the CPU, which computes in float32,
    /// the weights are those of <see cref="Load"/>, bit for bit. The result refuses training, cloning
    /// and saving (<see cref="InferenceOnly"/>). With <paramref name="withDigest"/>, the float32 digest
    /// of the checkpoint's tensors is taken before they are cast, for <see cref="WeightsDigest"/>.
    /// </summary>
    public static Policy LoadForInference(string checkpointDir, DeviceOptions device, bool withDigest = false) =>
        LoadOn(checkpointDir, DeviceResolver.Resolve(device), inferenceOnly: true, withDigest);

    /// <summary>
    /// <see cref="Load"/> (float32 master weights) or <see cref="LoadForInference"/> (weights in
    /// <paramref name="resolved"/>'s compute precision) on an already resolved device.
    /// </summary>
    internal static Policy LoadOn(string checkpointDir, ResolvedDevice resolved, bool inferenceOnly, bool withDigest)
    {
        if (!Directory.Exists(checkpointDir)) throw new DirectoryNotFoundException($"checkpoint folder not found: {checkpointDir}");
        var config = ModelConfig.Load(Path.Combine(checkpointDir, "config.json"));
        var tokenizer = Tokenizers.Load(checkpointDir);
        CheckTokenizer(config, tokenizer, $"the tokenizer in {checkpointDir}");
        var weightType = inferenceOnly ? resolved.ComputeType : ScalarType.Float32;
        var model = new DecoderModel(config, resolved.Device, weightType) { ComputeType = resolved.ComputeType };
        try
        {
            var tensors = Safetensors.LoadDirectory(checkpointDir);
            string? digest = null;
            try
            {
                model.LoadHfTensors(tensors, checkpointDir);
                if (withDigest) digest = model.DigestOf(tensors);
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
            model.eval();
            return new Policy(config, tokenizer, model, resolved, inferenceOnly, digest);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <c>config.json</c>, <c>generation_config.json</c>, <c>model.safetensors</c> (HF names,
    /// <paramref name="weightsDType"/>: float32, bfloat16 or float16) and the tokenizer's files into <paramref name="dir"/>.
    /// </summary>
    public void Save(string dir, string weightsDType = "float32")
    {
        RefuseInferenceOnly("saved");
        var dtype = weightsDType switch
        {
            "float32" => ScalarType.Float32,
            "bfloat16" => ScalarType.BFloat16,
            "float16" => ScalarType.Float16,
            _ => throw new ArgumentException($"weights dtype must be float32, bfloat16 or float16, got '{weightsDType}'", nameof(weightsDType)),
        };
        Directory.CreateDirectory(dir);
        Safetensors.Save(Path.Combine(dir, Safetensors.FileName), Model.HfTensors(), dtype);
        (Config with { TorchDType = weightsDType }).Save(Path.Combine(dir, "config.json"));
        var generation = new JsonObject { ["_from_model_config"] = true };
        if (Config.BosTokenId is { } bos) generation["bos_token_id"] = bos;
        if (Config.EosTokenId is { } eos) generation["eos_token_id"] = eos;
        if (Config.PadTokenId is { } pad) generation["pad_token_id"] = pad;
        File.WriteAllText(Path.Combine(dir, "generation_config.json"), generation.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Tokenizer.Save(dir);
    }

    /// <summary>
    /// SHA-256 (hex) over every parameter's HF name and float32 bytes, in name order. A policy
    /// loaded for inference in half precision has it only when its digest was taken at load
    /// (<see cref="LoadForInference"/> with <c>withDigest</c>); otherwise this throws
    /// <see cref="InvalidOperationException"/>, since its rounded weights are not the checkpoint's.
    /// </summary>
    public string WeightsDigest() => _loadedDigest ?? Model.WeightsDigest();

    /// <summary>An independent copy (same weights, tokenizer and device), e.g. to train while keeping the base.</summary>
    public Policy Clone()
    {
        RefuseInferenceOnly("cloned");
        var model = new DecoderModel(Config, Device.Device) { ComputeType = Model.ComputeType };
        try
        {
            using var scope = NewDisposeScope();
            model.LoadHfTensors(Model.HfTensors().ToDictionary(kv => kv.Key, kv => kv.Value), "clone");
            model.eval();
            return new Policy(Config, Tokenizer, model, Device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();

    /// <summary>Throws when this policy was loaded for inference only (no float32 master weights to train, copy or save).</summary>
    internal void RefuseInferenceOnly(string what)
    {
        if (InferenceOnly)
            throw new InvalidOperationException($"this policy was loaded for inference only (weights in the compute precision, {Model.WeightType}, and possibly shared by several generators) and cannot be {what}; that needs the float32 master weights of Policy.Load");
    }

    private static void CheckTokenizer(ModelConfig config, ITokenizer tokenizer, string what)
    {
        if (tokenizer.VocabSize > config.VocabSize)
            throw new InvalidDataException($"{what} has {tokenizer.VocabSize} ids but the model's vocab_size is {config.VocabSize}");
    }
}
