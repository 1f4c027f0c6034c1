using System.Globalization;
using System.Text;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Console;

/// <summary>The per-iteration table of a run: D_i size and the headline metrics of each evaluated iteration.</summary>
public static class ResultsTable
{
    /// <summary>Renders the table as aligned plain text.</summary>
    public static string Render(RunManifest manifest)
    {
        var evaluated = manifest.Iterations.Where(r => r.Metrics is not null).ToList();
        if (evaluated.Count == 0) return "no iteration has been evaluated yet\n";
        var keys = evaluated.SelectMany(r => r.Metrics!.Keys).Where(k => !k.Contains('/')).Distinct()
            .OrderBy(Order).ThenBy(KOf).ThenBy(k => k, StringComparer.Ordinal).ToList();
        var header = new List<string> { "iteration", "D_i" };
        header.AddRange(keys);
        var rows = evaluated.Select(r =>
        {
            var cells = new List<string> { r.Iteration == 0 ? "0 (base)" : r.Iteration.ToString(CultureInfo.InvariantCulture), r.Iteration == 0 ? "-" : r.TrainRows.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(keys.Select(k => r.Metrics!.TryGetValue(k, out var v) ? (100 * v).ToString("F1", CultureInfo.InvariantCulture) : "-"));
            return cells;
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToList();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", header.Select((h, i) => h.PadLeft(widths[i]))));
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((c, i) => c.PadLeft(widths[i]))));
        }
        text.AppendLine("(metrics in %; pass@1 is greedy; pass@k and maj@k from sampled completions; val_ = validation split)");
        return text.ToString();
    }

    private static int Order(string key) => key.StartsWith("pass@", StringComparison.Ordinal) ? 0 : key.StartsWith("maj@", StringComparison.Ordinal) ? 1 : 2;

    /// <summary>The k of <c>pass@k</c> / <c>maj@k</c>, so pass@16 sorts after pass@4.</summary>
    private static int KOf(string key) =>
        int.TryParse(key[(key.IndexOf('@') + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) ? k : 0;
}
