using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace ReSTEM.Core.Datasets;

/// <summary>Reads JSON Lines files (<c>.jsonl</c>, or gzip-compressed <c>.jsonl.gz</c>) one record at a time.</summary>
public static class JsonlFile
{
    /// <summary>
    /// The longest line read as a record, in bytes. APPS rows with many large test cases reach
    /// tens of MB; a longer line is a row with an error rather than a process out of memory.
    /// </summary>
    public const int DefaultMaxLineBytes = 256 << 20;

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Whether <paramref name="path"/> names a JSON Lines file by its extension.</summary>
    public static bool IsJsonl(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl.gz", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The records of <paramref name="path"/>, streamed. Lines end with LF (CR LF too); blank lines
    /// are skipped. A line that cannot be a record comes back as a row whose
    /// <see cref="DataRow.Error"/> names the line (and the field, when one is to blame), so a caller
    /// can stop there or set it aside and go on: a line that is not a JSON object, whose bytes are
    /// not UTF-8 (never silently replaced), whose strings hold a lone surrogate, that names a field
    /// twice, or that is longer than <paramref name="maxLineBytes"/>. NUL (<c>\u0000</c>) in a
    /// string is valid JSON and Unicode, and is kept.
    /// </summary>
    /// <exception cref="DatasetFormatException">A <c>.gz</c> file is not valid gzip.</exception>
    public static IEnumerable<DataRow> Read(string path, int maxLineBytes = DefaultMaxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineBytes);
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        var chunk = new byte[1 << 16];
        var line = new ArrayBufferWriter<byte>();
        var tooLong = false;
        long number = 0;
        int count;
        while ((count = ReadChunk(stream, chunk, path, number + 1)) > 0)
        {
            var start = 0;
            while (start < count)
            {
                var end = Array.IndexOf(chunk, (byte)'\n', start, count - start);
                var piece = chunk.AsSpan(start, (end < 0 ? count : end) - start);
                if (!tooLong && line.WrittenCount + piece.Length > maxLineBytes)
                {
                    // The rest of the line is skipped, not held: its length is all the error needs.
                    tooLong = true;
                    line.ResetWrittenCount();
                }
                if (!tooLong) line.Write(piece);
                if (end < 0) break;
                start = end + 1;
                number++;
                var row = Row(path, number, line.WrittenSpan, tooLong, maxLineBytes);
                line.ResetWrittenCount();
                tooLong = false;
                if (row is not null) yield return row;
            }
        }
        if (line.WrittenCount > 0 || tooLong)
        {
            number++;
            if (Row(path, number, line.WrittenSpan, tooLong, maxLineBytes) is { } last) yield return last;
        }
    }

    private static int ReadChunk(Stream stream, byte[] chunk, string path, long number)
    {
        try
        {
            return stream.Read(chunk, 0, chunk.Length);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, number, null, $"the file is not valid gzip: {e.Message}", e);
        }
    }

    /// <summary>The record on line <paramref name="number"/>; null for a blank line.</summary>
    private static DataRow? Row(string path, long number, ReadOnlySpan<byte> bytes, bool tooLong, int maxLineBytes)
    {
        if (tooLong)
        {
            return new DataRow(number, new JsonObject(), new DatasetFormatException(path, number, null,
                $"the line is longer than {maxLineBytes.ToString(CultureInfo.InvariantCulture)} bytes, the most one record may take; it was not read"));
        }
        if (number == 1 && bytes.StartsWith(Bom)) bytes = bytes[Bom.Length..];
        if (bytes.EndsWith((byte)'\r')) bytes = bytes[..^1];
        if (bytes.Trim(" \t\r"u8).IsEmpty) return null;
        try
        {
            return StrictJson.Parse(bytes, path, number, null) is JsonObject obj
                ? new DataRow(number, obj)
                : new DataRow(number, new JsonObject(), new DatasetFormatException(path, number, null, "expected a JSON object per line"), Text(bytes));
        }
        catch (DatasetFormatException e)
        {
            return new DataRow(number, new JsonObject(), e, Text(bytes));
        }
    }

    /// <summary>The line as text for the record of a rejected line; bytes that are not UTF-8 show as U+FFFD (the error says where they are).</summary>
    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
