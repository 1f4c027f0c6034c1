using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace ReSTEM.Core.Datasets;

/// <summary>
/// Parses one JSON text of an input file, refusing up front what System.Text.Json accepts while
/// parsing but fails on later, when a string is read: bytes that are not UTF-8, an escaped lone
/// UTF-16 surrogate (<c>\ud800</c>, valid JSON grammar but no Unicode text), and a field name
/// that appears twice in one object. The later failure is an exception no caller expects (it
/// used to end <c>restem grade</c> with SIGABRT); here each becomes a
/// <see cref="DatasetFormatException"/> naming the line and the field. NUL (<c>\u0000</c>) is
/// a Unicode character like any other and is allowed: the JSONL writer escapes it again and
/// Parquet stores strings with their length.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    /// <summary>Parses <paramref name="utf8Json"/>, read from <paramref name="file"/> at <paramref name="number"/>.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <param name="file">The file, for errors.</param>
    /// <param name="number">The line (or row), for errors.</param>
    /// <param name="field">The field whose string value holds this JSON text, or null for a whole record.</param>
    /// <exception cref="DatasetFormatException">The text is not valid JSON (a field named twice included), not UTF-8, or holds a lone surrogate.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8Json, string file, long number, string? field)
    {
        // Plain ASCII without a \u escape can hold neither bad bytes nor a lone surrogate: the
        // common case skips the token walk.
        if (!Ascii.IsValid(utf8Json) || utf8Json.IndexOf("\\u"u8) >= 0)
        {
            Check(utf8Json, file, number, field);
        }
        try
        {
            return JsonNode.Parse(utf8Json, null, Options);
        }
        catch (JsonException e)
        {
            // The walk knows which field a syntax error lies in; a duplicate name is found only here.
            Check(utf8Json, file, number, field);
            throw new DatasetFormatException(file, number, field, $"not valid JSON ({e.Message.TrimEnd('.')})", e);
        }
    }

    private static void Check(ReadOnlySpan<byte> utf8Json, string file, long number, string? field)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
        var path = new List<Step>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(new Step(reader.TokenType == JsonTokenType.StartArray, null, -1));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        Completed(path);
                        break;
                    case JsonTokenType.PropertyName:
                        CheckString(ref reader, path, file, number, field, isName: true);
                        path[^1] = path[^1] with { Name = reader.GetString() };
                        break;
                    case JsonTokenType.String:
                        Advance(path);
                        CheckString(ref reader, path, file, number, field, isName: false);
                        Completed(path);
                        break;
                    default:
                        Advance(path);
                        Completed(path);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw Error(file, number, field, path, $"not valid JSON ({e.Message.TrimEnd('.')})", e);
        }
    }

    /// <summary>Counts one more element of the array being read, so that errors can name its index.</summary>
    private static void Advance(List<Step> path)
    {
        if (path.Count > 0 && path[^1].IsArray) path[^1] = path[^1] with { Index = path[^1].Index + 1 };
    }

    /// <summary>A value of the object being read is complete: until the next name, an error lies in no field.</summary>
    private static void Completed(List<Step> path)
    {
        if (path.Count > 0 && !path[^1].IsArray) path[^1] = path[^1] with { Name = null };
    }

    private static void CheckString(ref Utf8JsonReader reader, List<Step> path, string file, long number, string? field, bool isName)
    {
        var raw = reader.ValueSpan;
        string? problem = null;
        if (!Utf8.IsValid(raw))
        {
            Utf8.ToUtf16(raw, new char[raw.Length], out var valid, out _, replaceInvalidSequences: false);
            // +1: the opening quote.
            var at = reader.TokenStartIndex + 1 + valid;
            problem = $"holds bytes that are not UTF-8 (0x{raw[valid]:X2} at byte offset {at.ToString(CultureInfo.InvariantCulture)} of the line)";
        }
        else if (reader.ValueIsEscaped && LoneSurrogate(raw) is { } escape)
        {
            problem = $"holds a lone UTF-16 surrogate ({escape}), which is not Unicode text";
        }
        if (problem is null) return;
        if (isName)
        {
            // The name itself is at fault: it is named as written in the file.
            path[^1] = path[^1] with { Name = Encoding.UTF8.GetString(raw) };
            throw Error(file, number, field, path, "the field name " + problem, null);
        }
        throw Error(file, number, field, path, problem, null);
    }

    /// <summary>The first <c>\uXXXX</c> escape in <paramref name="raw"/> (a string as written, escapes already checked by the reader) that is half a surrogate pair alone.</summary>
    private static string? LoneSurrogate(ReadOnlySpan<byte> raw)
    {
        var i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\')
            {
                i++;
                continue;
            }
            if (raw[i + 1] != (byte)'u')
            {
                i += 2;
                continue;
            }
            var unit = Hex(raw.Slice(i + 2, 4));
            if (char.IsLowSurrogate(unit)) return Escape(raw.Slice(i, 6));
            if (char.IsHighSurrogate(unit))
            {
                var pairs = i + 12 <= raw.Length && raw[i + 6] == (byte)'\\' && raw[i + 7] == (byte)'u' && char.IsLowSurrogate(Hex(raw.Slice(i + 8, 4)));
                if (!pairs) return Escape(raw.Slice(i, 6));
                i += 12;
                continue;
            }
            i += 6;
        }
        return null;
    }

    private static char Hex(ReadOnlySpan<byte> digits) => (char)int.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static string Escape(ReadOnlySpan<byte> escape) => Encoding.ASCII.GetString(escape);

    /// <summary>
    /// An error at <paramref name="path"/>: the field is the record's field there (or the one given
    /// for nested JSON), and a deeper position is named in the message.
    /// </summary>
    private static DatasetFormatException Error(string file, long number, string? field, IReadOnlyList<Step> path, string problem, Exception? inner)
    {
        var names = new StringBuilder();
        foreach (var step in path)
        {
            if (step.IsArray)
            {
                if (step.Index >= 0) names.Append(CultureInfo.InvariantCulture, $"[{step.Index}]");
            }
            else if (step.Name is not null)
            {
                if (names.Length > 0) names.Append('.');
                names.Append(step.Name);
            }
        }
        var top = path.Count > 0 && !path[0].IsArray ? path[0].Name : null;
        var located = field ?? top;
        var inside = field is null ? (names.ToString() == top ? "" : names.ToString()) : names.ToString();
        return new DatasetFormatException(file, number, located, inside.Length == 0 ? problem : $"{problem}, at {inside}", inner);
    }

    /// <summary>One level of the position being read: an array and the index of its current element, or an object and its current field.</summary>
    private sealed record Step(bool IsArray, string? Name, int Index);
}
