using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReSTEM.Core.Datasets;

/// <summary>Reads JSON Lines files (<c>.jsonl</c>, or gzip-compressed <c>.jsonl.gz</c>) one record at a time.</summary>
public static class JsonlFile
{
    /// <summary>Whether <paramref name="path"/> names a JSON Lines file by its extension.</summary>
    public static bool IsJsonl(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl.gz", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The records of <paramref name="path"/>, streamed. Blank lines are skipped; a line that is not
    /// a JSON object comes back as a row whose <see cref="DataRow.Error"/> names the line, so a
    /// caller can stop there or set it aside and go on.
    /// </summary>
    public static IEnumerable<DataRow> Read(string path)
    {
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        long number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (InvalidDataException e)
            {
                throw new DatasetFormatException(path, number + 1, null, $"the file is not valid gzip: {e.Message}", e);
            }
            if (line is null) yield break;
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? node;
            DatasetFormatException? error = null;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                node = null;
                error = new DatasetFormatException(path, number, null, $"not valid JSON ({e.Message.TrimEnd('.')})", e);
            }
            if (node is JsonObject obj)
            {
                yield return new DataRow(number, obj);
            }
            else
            {
                yield return new DataRow(number, new JsonObject(), error ?? new DatasetFormatException(path, number, null, "expected a JSON object per line"));
            }
        }
    }
}
