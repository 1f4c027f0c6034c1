using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReSTEM.Storage.Tables;

/// <summary>
/// The columns of a table of records, inferred from every record it will hold: the first-seen
/// order of field names, and for each field the narrowest kind that fits all its values
/// (integers widen to doubles; mixed kinds, and numbers past a double's range, become text).
/// Every column is nullable.
/// </summary>
public sealed class RowSchema
{
    private readonly List<string> _names = [];
    private readonly Dictionary<string, ColumnKind?> _kinds = new(StringComparer.Ordinal);

    /// <summary>The columns in order.</summary>
    public IReadOnlyList<(string Name, ColumnKind Kind)> Columns =>
        _names.Select(n => (n, _kinds[n] ?? ColumnKind.String)).ToList();

    /// <summary>Declares a column of a known kind (an output column such as <c>reward</c>).</summary>
    public void Declare(string name, ColumnKind kind)
    {
        if (!_kinds.ContainsKey(name)) _names.Add(name);
        _kinds[name] = kind;
    }

    /// <summary>Widens the schema to fit <paramref name="row"/>.</summary>
    public void Observe(JsonObject row)
    {
        foreach (var (name, node) in row)
        {
            if (!_kinds.TryGetValue(name, out var current))
            {
                _names.Add(name);
                current = null;
            }
            var kind = KindOf(node);
            _kinds[name] = kind is null ? current : current is null ? kind : Merge(current.Value, kind.Value);
        }
    }

    private static ColumnKind? KindOf(JsonNode? node) => node switch
    {
        null => null,
        JsonArray or JsonObject => ColumnKind.Json,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => ColumnKind.String,
            JsonValueKind.True or JsonValueKind.False => ColumnKind.Boolean,
            JsonValueKind.Number => v.TryGetValue<long>(out _) || (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 && !IsFloatLiteral(v))
                ? ColumnKind.Int64
                // 1e400 is valid JSON but reads as an infinite double: its text is kept instead.
                : v.TryGetValue<double>(out var x) && double.IsFinite(x) ? ColumnKind.Double : ColumnKind.String,
            _ => null,
        },
        _ => ColumnKind.String,
    };

    private static bool IsFloatLiteral(JsonValue value) => value.ToJsonString().IndexOfAny(['.', 'e', 'E']) >= 0;

    private static ColumnKind Merge(ColumnKind a, ColumnKind b) =>
        a == b ? a
        : (a, b) is (ColumnKind.Int64, ColumnKind.Double) or (ColumnKind.Double, ColumnKind.Int64) ? ColumnKind.Double
        : (a, b) is (ColumnKind.Float, ColumnKind.Double) or (ColumnKind.Double, ColumnKind.Float) or (ColumnKind.Int64, ColumnKind.Float) or (ColumnKind.Float, ColumnKind.Int64) ? ColumnKind.Double
        : ColumnKind.String;
}
