using System.Runtime.InteropServices;

namespace ReSTEM.Storage.Files;

/// <summary>
/// Crash-safe file writes: the content goes to a temporary file in the same folder, is flushed
/// to disk, and is renamed over the final name; then the folder entry itself is flushed. A
/// reader sees the old file or the whole new one, never a part, whatever moment the process dies.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>The prefix of temporary files; they are never valid data and are removed on resume.</summary>
    public const string TempPrefix = ".tmp-";

    /// <summary>Writes <paramref name="path"/> atomically with what <paramref name="write"/> puts in the stream.</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = TempPathFor(full);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            FlushDirectory(dir);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Gives a temporary file that a streaming writer has filled (and closed) its final name:
    /// flushed to disk, renamed over <paramref name="finalPath"/>, the folder flushed.
    /// </summary>
    public static void Commit(string tempPath, string finalPath)
    {
        using (var handle = File.OpenHandle(tempPath, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.FlushToDisk(handle);
        }
        File.Move(tempPath, finalPath, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(finalPath))!);
    }

    /// <summary>A temporary file name beside <paramref name="finalPath"/>, which resume removes if it is left behind.</summary>
    public static string TempPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(finalPath))!, $"{TempPrefix}{Guid.NewGuid():N}-{Path.GetFileName(finalPath)}");

    /// <summary>Writes a text file atomically (UTF-8, no byte-order mark).</summary>
    public static Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken = default) =>
        WriteAsync(path, async (stream, ct) =>
        {
            var bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
            await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Makes a finished folder appear under its final name in one step: flushes every file in
    /// <paramref name="tempDir"/>, renames it to <paramref name="finalDir"/> (which must not exist)
    /// and flushes the parent folder.
    /// </summary>
    public static void CommitDirectory(string tempDir, string finalDir)
    {
        foreach (var file in Directory.EnumerateFiles(tempDir, "*", SearchOption.AllDirectories))
        {
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }
        FlushDirectory(tempDir);
        Directory.Move(tempDir, finalDir);
        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(finalDir))!);
    }

    /// <summary>Flushes a folder's entries (new and renamed names) to disk. A no-op where the platform cannot.</summary>
    public static void FlushDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var fd = Open(dir, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
