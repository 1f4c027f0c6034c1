using System.Globalization;
using System.Text;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Console;

/// <summary>
/// The results of a run, one row per evaluated model: the base model first, then the SFT
/// baseline (when the run has one), then the ReST-EM iterations in order. Columns: D_i, greedy
/// pass@1, the sampled pass@k and maj@k, greedy pass@1 per difficulty level, and the validation
/// metrics; values in % with one decimal. Printed at the end of <c>restem run</c> and by
/// <c>restem report</c>, shown live while a run works, and written into <c>report.md</c>.
/// </summary>
public sealed class ResultsTable
{
    /// <summary>The row label of the base model (iteration 0).</summary>
    public const string BaseLabel = "0 (base)";

    /// <summary>The row label of the SFT-on-human-solutions baseline.</summary>
    public const string SftLabel = "SFT (human)";

    /// <summary>What the columns mean, printed under the table.</summary>
    public const string Legend =
        "metrics in %; pass@1 is greedy; sampled_pass@1, pass@k and maj@k from sampled completions; " +
        "pass@1/level-L: greedy pass@1 on difficulty L; val_ = validation split; " +
        "D_i: accepted samples (for SFT: human solutions)";

    private const string GreedyPass = "pass@1";

    private ResultsTable(IReadOnlyList<ResultsRow> rows, IReadOnlyList<string> metricKeys)
    {
        Rows = rows;
        MetricKeys = metricKeys;
        Header = ["iteration", "D_i", .. metricKeys];
        Cells = rows.Select(CellsOf).ToList();
    }

    /// <summary>The evaluated rows, in table order.</summary>
    public IReadOnlyList<ResultsRow> Rows { get; }

    /// <summary>The metric columns, in table order (after <c>iteration</c> and <c>D_i</c>).</summary>
    public IReadOnlyList<string> MetricKeys { get; }

    /// <summary>The column headers.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The cells of each row as printed, in <see cref="Header"/> order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cells { get; }

    /// <summary>The table of every evaluated record of <paramref name="manifest"/>.</summary>
    public static ResultsTable From(RunManifest manifest) =>
        From(manifest.Iterations.Where(r => r.Metrics is not null)
            .Select(r => new ResultsRow(r.Iteration, r.Iteration == 0 ? null : r.TrainRows, r.Metrics!)));

    /// <summary>The table of <paramref name="rows"/> (any order; one row per iteration number, the last wins).</summary>
    public static ResultsTable From(IEnumerable<ResultsRow> rows)
    {
        var ordered = rows.GroupBy(r => r.Iteration).Select(g => g.Last()).OrderBy(r => RowOrder(r.Iteration)).ToList();
        var keys = ordered.SelectMany(r => r.Metrics.Keys).Where(IsColumn).Distinct()
            .OrderBy(ColumnGroup).ThenBy(KOf).ThenBy(k => k, StringComparer.Ordinal).ToList();
        return new ResultsTable(ordered, keys);
    }

    /// <summary>The label of a row: <see cref="BaseLabel"/>, <see cref="SftLabel"/> or the iteration number.</summary>
    public static string Label(int iteration) => iteration switch
    {
        0 => BaseLabel,
        RunLayout.SftBaseline => SftLabel,
        _ => iteration.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A metric (a fraction) as a percentage with one decimal, e.g. <c>42.5</c>.</summary>
    public static string Percent(double fraction) => (100 * fraction).ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>The row of <paramref name="iteration"/>, or null.</summary>
    public ResultsRow? Find(int iteration) => Rows.FirstOrDefault(r => r.Iteration == iteration);

    /// <summary>The table as aligned plain text (header, rows, legend), for the console.</summary>
    public string RenderText()
    {
        if (Rows.Count == 0) return "no iteration has been evaluated yet\n";
        var widths = Header.Select((h, i) => Math.Max(h.Length, Cells.Max(r => r[i].Length))).ToList();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", Header.Select((h, i) => i == 0 ? h.PadRight(widths[i]) : h.PadLeft(widths[i]))));
        foreach (var row in Cells)
        {
            text.AppendLine(string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
        }
        text.AppendLine($"({Legend})");
        return text.ToString();
    }

    /// <summary>The table in Markdown (GitHub tables), numbers right-aligned, legend below.</summary>
    public string RenderMarkdown()
    {
        if (Rows.Count == 0) return "No iteration has been evaluated yet.\n";
        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", Header) + " |");
        text.AppendLine("|" + string.Join("|", Header.Select((_, i) => i == 0 ? ":---" : "---:")) + "|");
        foreach (var row in Cells) text.AppendLine("| " + string.Join(" | ", row) + " |");
        text.AppendLine();
        text.AppendLine($"({Legend})");
        return text.ToString();
    }

    /// <summary>
    /// The best ReST-EM iteration by greedy test pass@1 and its gain, in points, over the base
    /// model and over the SFT baseline (when the run has one). Empty when no iteration after the
    /// base model has a greedy pass@1.
    /// </summary>
    public IReadOnlyList<string> GainLines()
    {
        var best = Rows.Where(r => r.Iteration > 0 && r.Metrics.ContainsKey(GreedyPass))
            .OrderByDescending(r => r.Metrics[GreedyPass]).ThenBy(r => r.Iteration).FirstOrDefault();
        if (best is null) return [];
        var score = best.Metrics[GreedyPass];
        var lines = new List<string>();
        var head = $"best iteration by test pass@1 (greedy): {best.Iteration} with {Percent(score)}%";
        lines.Add(Find(0)?.Metrics.TryGetValue(GreedyPass, out var baseScore) == true
            ? $"{head}, {Points(score - baseScore)} points over the base model ({Percent(baseScore)}%)"
            : head);
        if (Find(RunLayout.SftBaseline)?.Metrics.TryGetValue(GreedyPass, out var sftScore) == true)
            lines.Add($"best iteration {best.Iteration} against SFT on human solutions ({Percent(sftScore)}%): {Points(score - sftScore)} points");
        return lines;
    }

    private static string Points(double fractionDifference)
    {
        var points = Math.Round(100 * fractionDifference, 1);
        return (points >= 0 ? "+" : "") + points.ToString("F1", CultureInfo.InvariantCulture);
    }

    private List<string> CellsOf(ResultsRow row)
    {
        var cells = new List<string> { Label(row.Iteration), row.TrainRows is { } n && row.Iteration != 0 ? n.ToString(CultureInfo.InvariantCulture) : "-" };
        cells.AddRange(MetricKeys.Select(k => row.Metrics.TryGetValue(k, out var v) ? Percent(v) : "-"));
        return cells;
    }

    /// <summary>Base model, then the SFT baseline, then iterations 1..N.</summary>
    private static int RowOrder(int iteration) => iteration switch
    {
        0 => int.MinValue,
        RunLayout.SftBaseline => int.MinValue + 1,
        _ => iteration,
    };

    /// <summary>The headline metrics and greedy pass@1 per difficulty level; other breakdowns stay in metrics.json.</summary>
    private static bool IsColumn(string key) => !key.Contains('/') || IsLevel(key);

    private static bool IsLevel(string key) => key.StartsWith(GreedyPass + "/level-", StringComparison.Ordinal);

    private static int ColumnGroup(string key) => key switch
    {
        GreedyPass => 0,
        "sampled_pass@1" => 1,
        _ when key.StartsWith("pass@", StringComparison.Ordinal) && !key.Contains('/') => 2,
        _ when key.StartsWith("maj@", StringComparison.Ordinal) => 3,
        _ when IsLevel(key) => 5,
        "val_pass@1" => 6,
        _ when key.StartsWith("val_", StringComparison.Ordinal) => 7,
        _ => 4,
    };

    /// <summary>The number after <c>@</c> or <c>level-</c>, so pass@16 sorts after pass@4 and level-10 after level-9.</summary>
    private static int KOf(string key)
    {
        var start = IsLevel(key) ? key.LastIndexOf('-') + 1 : key.IndexOf('@') + 1;
        return start > 0 && int.TryParse(key[start..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) ? k : 0;
    }
}
