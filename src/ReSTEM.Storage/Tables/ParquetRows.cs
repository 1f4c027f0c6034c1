using System.Collections;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Serialization;
using ReSTEM.Core.Datasets;
using ReSTEM.Storage.Files;

namespace ReSTEM.Storage.Tables;

/// <summary>
/// Reads any Parquet file as records, one row group at a time (memory stays bounded by the
/// largest row group). Nested values become JSON arrays and objects.
/// </summary>
public static class ParquetRows
{
    /// <summary>Whether <paramref name="path"/> names a Parquet file by its extension.</summary>
    public static bool IsParquet(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>The records of <paramref name="path"/>, numbered from 1.</summary>
    /// <exception cref="DamagedFileException">The file is not readable Parquet.</exception>
    public static async IAsyncEnumerable<DataRow> ReadAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int groups;
        try
        {
            await using var probe = File.OpenRead(path);
            await using var reader = await ParquetReader.CreateAsync(probe, cancellationToken: cancellationToken).ConfigureAwait(false);
            groups = reader.RowGroupCount;
        }
        catch (Exception e) when (e is not OperationCanceledException and not FileNotFoundException)
        {
            throw new DamagedFileException(path, e.Message, e);
        }
        long number = 0;
        for (var g = 0; g < groups; g++)
        {
            IList<Dictionary<string, object>> rows;
            try
            {
                await using var stream = File.OpenRead(path);
                rows = (await ParquetSerializer.DeserializeUntypedAsync(stream, null, g, cancellationToken).ConfigureAwait(false)).Data;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new DamagedFileException(path, $"row group {g}: {e.Message}", e);
            }
            foreach (var row in rows)
            {
                var obj = new JsonObject();
                foreach (var (key, value) in row) obj[key] = ToNode(value);
                yield return new DataRow(++number, obj);
            }
        }
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        ReadOnlyMemory<char> m => JsonValue.Create(m.ToString()),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        short s16 => JsonValue.Create(s16),
        byte u8 => JsonValue.Create(u8),
        // Through decimal, a float keeps its shortest text (0.3, not 0.30000001192092896) as a double.
        float f => float.IsFinite(f) ? JsonValue.Create((double)(decimal)f) : JsonValue.Create((double)f),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create(m),
        DateTime t => JsonValue.Create(t),
        DateTimeOffset t => JsonValue.Create(t),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        IDictionary dictionary => new JsonObject(dictionary.Keys.Cast<object>().Select(k => KeyValuePair.Create(k.ToString()!, ToNode(dictionary[k])))),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(ToNode).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };
}
