namespace ReSTEM.Host.Reports;

/// <summary>What <see cref="RunReport.WriteAsync"/> wrote.</summary>
/// <param name="Markdown">The path of report.md.</param>
/// <param name="Plot">The path of report.png, or null when it was not drawn (nothing evaluated yet, or see <paramref name="Warnings"/>).</param>
/// <param name="Warnings">What went wrong without stopping the report, for the user.</param>
public sealed record ReportFiles(string Markdown, string? Plot, IReadOnlyList<string> Warnings);
