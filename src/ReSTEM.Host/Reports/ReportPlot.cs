using ReSTEM.Host.Console;
using ReSTEM.Storage.Runs;
using ScottPlot;

namespace ReSTEM.Host.Reports;

/// <summary>
/// The report's figure: greedy test pass@1 (%) of iterations 0..N, with the base model and the
/// SFT baseline as horizontal reference lines, so a gain reads as the distance above them.
/// </summary>
public static class ReportPlot
{
    private const string GreedyPass = "pass@1";

    /// <summary>Whether <paramref name="table"/> has a greedy pass@1 of the base model or an iteration to draw.</summary>
    public static bool CanDraw(ResultsTable table) => Points(table).Count > 0;

    /// <summary>Draws the figure and returns it as PNG bytes.</summary>
    /// <exception cref="InvalidOperationException">The table has nothing to draw (see <see cref="CanDraw"/>).</exception>
    public static byte[] RenderPng(ResultsTable table, string title, int width = 800, int height = 500)
    {
        var points = Points(table);
        if (points.Count == 0) throw new InvalidOperationException("no evaluated iteration has a greedy pass@1 to plot");
        using var plot = new Plot();
        var xs = points.Select(p => (double)p.Iteration).ToArray();
        var ys = points.Select(p => 100 * p.Metrics[GreedyPass]).ToArray();
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = "ReST-EM iteration (test pass@1, greedy)";
        line.LineWidth = 2;
        line.MarkerSize = 8;
        var top = ys.Max();
        if (table.Find(0)?.Metrics.TryGetValue(GreedyPass, out var baseScore) == true)
        {
            var baseLine = plot.Add.HorizontalLine(100 * baseScore);
            baseLine.LegendText = $"base model ({ResultsTable.Percent(baseScore)}%)";
            baseLine.LinePattern = LinePattern.Dashed;
            baseLine.Color = Colors.Gray;
        }
        if (table.Find(RunLayout.SftBaseline)?.Metrics.TryGetValue(GreedyPass, out var sftScore) == true)
        {
            var sftLine = plot.Add.HorizontalLine(100 * sftScore);
            sftLine.LegendText = $"SFT on human solutions ({ResultsTable.Percent(sftScore)}%)";
            sftLine.LinePattern = LinePattern.DenselyDashed;
            sftLine.Color = Colors.OrangeRed;
            top = Math.Max(top, 100 * sftScore);
        }
        plot.Title(title);
        plot.XLabel("iteration (0 = base model)");
        plot.YLabel("test pass@1, greedy (%)");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.Axes.SetLimitsX(-0.25, Math.Max(1, xs.Max()) + 0.25);
        plot.Axes.SetLimitsY(0, Math.Min(100, Math.Max(10, top * 1.15)));
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>The base model and the ReST-EM iterations that have a greedy pass@1, in iteration order.</summary>
    private static List<ResultsRow> Points(ResultsTable table) =>
        table.Rows.Where(r => r.Iteration >= 0 && r.Metrics.ContainsKey(GreedyPass)).OrderBy(r => r.Iteration).ToList();
}
