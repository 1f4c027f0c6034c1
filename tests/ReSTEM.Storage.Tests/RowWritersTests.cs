using System.Text.Json.Nodes;
using ReSTEM.Core.Datasets;
using ReSTEM.Storage.Tables;

namespace ReSTEM.Storage.Tests;

/// <summary>
/// What <c>restem grade</c> reads it writes back unchanged, in JSONL and in Parquet: strings
/// holding NUL (valid JSON, allowed in inputs) and numbers past a double's range (kept as written).
/// </summary>
public sealed class RowWritersTests
{
    /// <summary>Rows with NUL in strings and numbers no double holds, parsed as an input line would be.</summary>
    internal static List<JsonObject> Awkward() =>
    [
        (JsonObject)JsonNode.Parse("""{"completion": "a\u0000b", "big": 1e400, "ratio": 0.5}""")!,
        (JsonObject)JsonNode.Parse("""{"completion": "\u0000", "big": -1E+999, "ratio": 0.25}""")!,
        (JsonObject)JsonNode.Parse("""{"completion": "x", "big": 2.5, "ratio": 1}""")!,
    ];

    [Theory]
    [InlineData("rows.jsonl")]
    [InlineData("rows.jsonl.gz")]
    [InlineData("rows.parquet")]
    public async Task NUL_and_numbers_past_a_double_round_trip(string name)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, name);
        var rows = Awkward();
        var schema = new RowSchema();
        foreach (var row in rows) schema.Observe(row);
        await using (var writer = RowWriters.Create(path, schema))
        {
            await writer.WriteAsync(rows, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        var back = ParquetRows.IsParquet(path)
            ? await ParquetRows.ReadAsync(path).ToListAsync()
            : JsonlFile.Read(path).ToList();

        Assert.Equal(3, back.Count);
        Assert.All(back, r => Assert.Null(r.Error));
        Assert.Equal(["a\0b", "\0", "x"], back.Select(r => r.Fields["completion"]!.GetValue<string>()));
        // JSONL keeps numbers as numbers; Parquet stores a column with a number past a double as text.
        Assert.Equal(["1e400", "-1E+999", "2.5"], back.Select(r => ParquetRows.IsParquet(path) ? r.Fields["big"]!.GetValue<string>() : r.Fields["big"]!.ToJsonString()));
        Assert.Equal([0.5, 0.25, 1.0], back.Select(r => r.Fields["ratio"]!.GetValue<double>()));
    }
}
