namespace ReSTEM.Storage.Files;

/// <summary>
/// A file of a run folder cannot be read (truncated, foreign, or of the wrong shape). The
/// message names the file and the way out; the host turns it into exit code 2, never a stack trace.
/// </summary>
public sealed class DamagedFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public DamagedFileException(string path, string problem, Exception? inner = null)
        : base($"{path} cannot be read: {problem}. Nothing was changed. Move the file aside (or run again with --quarantine, "
               + "which moves damaged files to the run's quarantine/ folder) and the run carries on; samples in a quarantined "
               + "file are drawn again.", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>What is wrong with the file, without the advice.</summary>
    public string Problem { get; }

    /// <summary>The damaged file.</summary>
    public string Path { get; }
}
