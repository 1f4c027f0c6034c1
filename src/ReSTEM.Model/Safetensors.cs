using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length, JSON header,
/// raw little-endian tensor bytes) in float32, bfloat16 and float16, single-file or sharded
/// (<c>model.safetensors.index.json</c>).
/// </summary>
public static class Safetensors
{
    /// <summary>The single-file weights name in an HF checkpoint folder.</summary>
    public const string FileName = "model.safetensors";

    /// <summary>The index of a sharded checkpoint.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Reads every tensor of one file onto the CPU, in its stored dtype. The caller owns (disposes) the tensors.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights not found: {path}", path);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(file);
        var lengthBytes = new byte[8];
        if (length < 8 || RandomAccess.Read(file, lengthBytes, 0) != 8) throw Malformed(path, "shorter than its 8-byte header length");
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
            throw Malformed(path, $"header length {headerLength} does not fit the file ({length} bytes)");
        var headerBytes = new byte[headerLength];
        ReadExactly(file, headerBytes, 8, path);
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes) as JsonObject ?? throw Malformed(path, "the header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Malformed(path, $"the header is not valid JSON: {e.Message}");
        }

        var dataStart = 8 + headerLength;
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__") continue;
                if (node is not JsonObject info) throw Malformed(path, $"entry '{name}' is not an object");
                var dtypeName = info["dtype"]?.GetValue<string>() ?? throw Malformed(path, $"'{name}' has no dtype");
                var (dtype, elementSize) = dtypeName switch
                {
                    "F32" => (ScalarType.Float32, 4),
                    "BF16" => (ScalarType.BFloat16, 2),
                    "F16" => (ScalarType.Float16, 2),
                    _ => throw Malformed(path, $"'{name}' has dtype {dtypeName}; supported: F32, BF16, F16"),
                };
                var shape = (info["shape"] as JsonArray ?? throw Malformed(path, $"'{name}' has no shape")).Select(d => d!.GetValue<long>()).ToArray();
                var offsets = (info["data_offsets"] as JsonArray ?? throw Malformed(path, $"'{name}' has no data_offsets")).Select(d => d!.GetValue<long>()).ToArray();
                var count = shape.Aggregate(1L, (a, b) => a * b);
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] - offsets[0] != count * elementSize || dataStart + offsets[1] > length)
                    throw Malformed(path, $"'{name}' data_offsets [{string.Join(", ", offsets)}] do not match its shape [{string.Join(", ", shape)}] x {elementSize} bytes or the file size");
                var bytes = new byte[offsets[1] - offsets[0]];
                ReadExactly(file, bytes, dataStart + offsets[0], path);
                var tensor = empty(shape, dtype);
                if (bytes.Length > 0) tensor.bytes = bytes;
                result[name] = tensor.DetachFromDisposeScope();
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>
    /// Reads the weights of a checkpoint folder: <c>model.safetensors</c>, or every shard named
    /// by <c>model.safetensors.index.json</c>.
    /// </summary>
    public static Dictionary<string, Tensor> LoadDirectory(string dir)
    {
        var single = Path.Combine(dir, FileName);
        if (File.Exists(single)) return Load(single);
        var indexPath = Path.Combine(dir, IndexFileName);
        if (!File.Exists(indexPath)) throw new FileNotFoundException($"no weights in {dir}: expected {FileName} or {IndexFileName}", single);
        HashSet<string> shards;
        try
        {
            var index = JsonNode.Parse(File.ReadAllText(indexPath)) as JsonObject ?? throw Malformed(indexPath, "not a JSON object");
            var map = index["weight_map"] as JsonObject ?? throw Malformed(indexPath, "'weight_map' is missing");
            shards = map.Select(kv => kv.Value!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw Malformed(indexPath, $"not valid JSON: {e.Message}");
        }
        var all = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var shard in shards.Order(StringComparer.Ordinal))
            {
                if (shard.Contains('/') || shard.Contains('\\')) throw Malformed(indexPath, $"shard name '{shard}' must be a plain file name");
                foreach (var (name, tensor) in Load(Path.Combine(dir, shard)))
                {
                    if (!all.TryAdd(name, tensor))
                    {
                        tensor.Dispose();
                        throw Malformed(indexPath, $"tensor '{name}' appears in more than one shard");
                    }
                }
            }
        }
        catch
        {
            foreach (var t in all.Values) t.Dispose();
            throw;
        }
        return all;
    }

    /// <summary>
    /// Writes tensors to <paramref name="path"/> (through a temporary file and a rename), converted
    /// to <paramref name="dtype"/> when given, with names in ordinal order.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, ScalarType? dtype = null)
    {
        using var scope = NewDisposeScope();
        var entries = new List<(string Name, Tensor Tensor, string DType)>();
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var target = dtype ?? tensor.dtype;
            var dtypeName = target switch
            {
                ScalarType.Float32 => "F32",
                ScalarType.BFloat16 => "BF16",
                ScalarType.Float16 => "F16",
                _ => throw new ArgumentException($"tensor '{name}' has dtype {target}; supported: float32, bfloat16, float16"),
            };
            entries.Add((name, tensor.detach().to(target).cpu().contiguous(), dtypeName));
        }

        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, tensor, dtypeName) in entries)
        {
            var size = tensor.NumberOfElements * tensor.ElementSize;
            header[name] = new JsonObject
            {
                ["dtype"] = dtypeName,
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        var headerText = header.ToJsonString();
        // Pad the header with spaces so the tensor data starts 8-byte aligned, as the HF writer does.
        var padding = (8 - Encoding.UTF8.GetByteCount(headerText) % 8) % 8;
        var headerBytes = Encoding.UTF8.GetBytes(headerText + new string(' ', padding));

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var lengthBytes = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(lengthBytes, headerBytes.Length);
            stream.Write(lengthBytes);
            stream.Write(headerBytes);
            foreach (var (_, tensor, _) in entries)
            {
                if (tensor.NumberOfElements > 0) stream.Write(tensor.bytes);
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static void ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle file, byte[] buffer, long offset, string path)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = RandomAccess.Read(file, buffer.AsSpan(done), offset + done);
            if (n <= 0) throw Malformed(path, "the file ends early");
            done += n;
        }
    }

    private static InvalidDataException Malformed(string path, string what) => new($"{path}: malformed safetensors: {what}");
}
