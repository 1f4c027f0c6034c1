using ReSTEM.Storage.Files;

namespace ReSTEM.Storage.Runs;

/// <summary>Housekeeping of a whole run folder.</summary>
public static class RunFolder
{
    /// <summary>
    /// Removes every temporary file and folder (<c>.tmp-*</c>) left anywhere in the run folder by
    /// a write or a checkpoint that a crash interrupted: none of them was ever committed data.
    /// Only call it while holding the <see cref="RunLock"/>.
    /// </summary>
    /// <returns>How many entries were removed.</returns>
    public static int RemoveLeftovers(RunLayout layout)
    {
        if (!Directory.Exists(layout.Root)) return 0;
        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(layout.Root, AtomicFile.TempPrefix + "*", SearchOption.AllDirectories).ToList())
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else if (File.Exists(entry)) File.Delete(entry);
            else continue;
            removed++;
        }
        return removed;
    }
}
