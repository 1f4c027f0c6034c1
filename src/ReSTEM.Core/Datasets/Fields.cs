using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReSTEM.Core.Datasets;

/// <summary>Typed access to a record's fields, with errors that name the field.</summary>
public sealed class Fields
{
    private readonly DataRow _row;
    private readonly string _file;

    /// <summary>Reads fields of <paramref name="row"/> from <paramref name="file"/>.</summary>
    public Fields(DataRow row, string file)
    {
        _row = row;
        _file = file;
    }

    /// <summary>The record.</summary>
    public DataRow Row => _row;

    /// <summary>Whether the field is present and not null.</summary>
    public bool Has(string name) => _row.Fields.TryGetPropertyValue(name, out var node) && node is not null;

    /// <summary>A required string field (numbers are taken as their text).</summary>
    public string String(string name) =>
        OptionalString(name) ?? throw Error(name, "is missing");

    /// <summary>An optional string field; null when absent or null.</summary>
    public string? OptionalString(string name)
    {
        if (!_row.Fields.TryGetPropertyValue(name, out var node) || node is null) return null;
        if (node is JsonValue value)
        {
            if (value.TryGetValue<string>(out var s)) return s;
            if (value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False) return value.ToJsonString();
        }
        throw Error(name, $"must be a string, got {node.GetValueKind().ToString().ToLowerInvariant()}");
    }

    /// <summary>The first present field among <paramref name="names"/>, or null.</summary>
    public string? FirstString(params string[] names) => names.Select(OptionalString).FirstOrDefault(v => v is not null);

    /// <summary>A required list of strings (a JSON array of strings).</summary>
    public IReadOnlyList<string> StringList(string name)
    {
        if (!_row.Fields.TryGetPropertyValue(name, out var node) || node is null) throw Error(name, "is missing");
        if (node is not JsonArray array) throw Error(name, "must be a list of strings");
        return array.Select((item, i) => item is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : throw Error(name, $"item {i} must be a string")).ToList();
    }

    /// <summary>An optional integer field; null when absent.</summary>
    public int? OptionalInt(string name)
    {
        if (!_row.Fields.TryGetPropertyValue(name, out var node) || node is null) return null;
        if (node is JsonValue v)
        {
            if (v.TryGetValue<int>(out var i)) return i;
            if (v.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out i)) return i;
        }
        throw Error(name, "must be an integer");
    }

    /// <summary>
    /// The JSON text that field <paramref name="name"/> holds as a string (APPS stores
    /// <c>input_output</c> so), parsed as strictly as a line of a JSONL file.
    /// </summary>
    /// <exception cref="DatasetFormatException">The text is not valid JSON, or holds a lone surrogate or a field named twice.</exception>
    public JsonNode? ParseJson(string name, string text) => StrictJson.Parse(Encoding.UTF8.GetBytes(text), _file, _row.Number, name);

    /// <summary>An error about field <paramref name="name"/>.</summary>
    public DatasetFormatException Error(string name, string problem) => new(_file, _row.Number, name, problem);
}
