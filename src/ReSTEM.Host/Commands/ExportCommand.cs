using ReSTEM.Host.Configuration;
using ReSTEM.Host.Logging;
using ReSTEM.Storage.Export;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Commands;

/// <summary>
/// <c>restem export</c>: D_i (or, with <c>--all-accepted</c>, every sample of iteration i's E-step
/// that the verifier accepted) as a dataset other tools train on: JSONL or Parquet with
/// prompt/completion columns, or Hugging Face chat JSONL with a <c>messages</c> column.
/// </summary>
public static class ExportCommand
{
    private const string Category = "restem.export";

    /// <summary>What the command was asked.</summary>
    /// <param name="RunDir">The run folder.</param>
    /// <param name="Iteration">The iteration (1 or more).</param>
    /// <param name="Format">jsonl, parquet or hf.</param>
    /// <param name="AllAccepted">Every accepted sample instead of D_i.</param>
    /// <param name="Output">The file to write.</param>
    public sealed record Request(string RunDir, int Iteration, string Format, bool AllAccepted, string Output);

    /// <summary>The accepted values of <c>--format</c>.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["jsonl", "parquet", "hf"];

    /// <summary>Writes the export; returns the exit code.</summary>
    /// <exception cref="ConfigurationError">Not a run folder, no such iteration, or a bad option (named).</exception>
    public static async Task<int> RunAsync(Request request, Logs logs, CancellationToken cancellationToken)
    {
        var format = request.Format switch
        {
            "jsonl" => ExportFormat.Jsonl,
            "parquet" => ExportFormat.Parquet,
            "hf" => ExportFormat.Hf,
            _ => throw new ConfigurationError($"--format {request.Format}: expected one of {string.Join(", ", Formats)}"),
        };
        var layout = new RunLayout(request.RunDir);
        if (!File.Exists(layout.Manifest))
            throw new ConfigurationError($"{request.RunDir} is not a run folder: it has no run.json");
        if (Directory.Exists(request.Output))
            throw new ConfigurationError($"--output {request.Output}: a folder; expected a file name");
        var export = new DatasetExport(layout);
        var what = request.AllAccepted ? $"accepted samples (iter-{request.Iteration}/samples)" : $"D_{request.Iteration} (iter-{request.Iteration}/train.parquet)";
        if (!export.Has(request.Iteration, request.AllAccepted))
        {
            var available = export.Available(request.AllAccepted);
            throw new ConfigurationError($"--iteration {request.Iteration}: {request.RunDir} has no {what}; "
                + (available.Count == 0 ? "no iteration has them yet" : $"iterations that have them: {string.Join(", ", available)}"));
        }
        var rows = await export.RowsAsync(request.Iteration, request.AllAccepted, cancellationToken);
        await DatasetExport.WriteAsync(request.Output, rows, format, cancellationToken);
        logs.Notice(Category, $"wrote {rows.Count} rows of {what} to {request.Output} as {request.Format}");
        return 0;
    }
}
