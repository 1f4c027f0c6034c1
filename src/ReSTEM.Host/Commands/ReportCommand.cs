using ReSTEM.Host.Reports;

namespace ReSTEM.Host.Commands;

/// <summary>
/// <c>restem report DIR</c>: prints the results table of a run folder and writes its
/// <c>report.md</c> and <c>report.png</c>. Works on a finished, stopped or running run (it shows
/// the evaluated records). Exit 2 when DIR is not a run folder or its run.json is damaged.
/// </summary>
public static class ReportCommand
{
    /// <summary>Reports on the run folder <paramref name="runDir"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string runDir, CancellationToken cancellationToken)
    {
        var report = await RunReport.LoadAsync(runDir, cancellationToken);
        await PrintAndWriteAsync(report, System.Console.Out, System.Console.Error, cancellationToken);
        return 0;
    }

    /// <summary>
    /// Prints the table and the gain lines on <paramref name="output"/>, writes report.md and
    /// report.png into the run folder, and says on <paramref name="errors"/> what was written
    /// (or, as a warning, what could not be).
    /// </summary>
    public static async Task PrintAndWriteAsync(RunReport report, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        await output.WriteAsync(report.RenderText());
        await output.FlushAsync(cancellationToken);
        var written = await report.WriteAsync(cancellationToken);
        foreach (var warning in written.Warnings) await errors.WriteLineAsync($"warning: {warning}");
        await errors.WriteLineAsync(written.Plot is null ? $"report: wrote {written.Markdown}" : $"report: wrote {written.Markdown} and {written.Plot}");
    }
}
