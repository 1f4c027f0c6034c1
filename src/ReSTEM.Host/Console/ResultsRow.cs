namespace ReSTEM.Host.Console;

/// <summary>
/// One evaluated model in the results table: the base model (iteration 0), the SFT baseline
/// (<see cref="ReSTEM.Storage.Runs.RunLayout.SftBaseline"/>) or a ReST-EM iteration.
/// </summary>
/// <param name="Iteration">The manifest's iteration number.</param>
/// <param name="TrainRows">
/// Rows it was trained on: |D_i| for an iteration, the human solutions for the SFT baseline;
/// null where it does not apply (the base model) or is not known.
/// </param>
/// <param name="Metrics">Its headline metrics, as fractions (e.g. <c>pass@1</c> = 0.42).</param>
public sealed record ResultsRow(int Iteration, int? TrainRows, IReadOnlyDictionary<string, double> Metrics);
