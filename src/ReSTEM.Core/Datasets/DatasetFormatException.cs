namespace ReSTEM.Core.Datasets;

/// <summary>
/// A record of an input file is malformed or lacks a field. The message names the file, the
/// line (or row) and the field, so the user can fix the input; the commands turn it into exit code 2.
/// </summary>
public sealed class DatasetFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatasetFormatException(string file, long number, string? field, string problem, Exception? inner = null)
        : base($"{file}, line {number}{(field is null ? "" : $", field '{field}'")}: {problem}", inner)
    {
        File = file;
        Number = number;
        Field = field;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public string File { get; }

    /// <summary>The 1-based line or row.</summary>
    public long Number { get; }

    /// <summary>The field, when one is to blame.</summary>
    public string? Field { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }
}
