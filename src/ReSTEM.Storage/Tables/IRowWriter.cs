using System.Text.Json.Nodes;

namespace ReSTEM.Storage.Tables;

/// <summary>
/// Writes records to an output file atomically: rows go to a temporary file beside it, and
/// only <see cref="CommitAsync"/> renames it to the final name. Disposing without committing
/// removes the temporary file, so an interrupted write never leaves half a file.
/// </summary>
public interface IRowWriter : IAsyncDisposable
{
    /// <summary>Appends rows.</summary>
    Task WriteAsync(IReadOnlyList<JsonObject> rows, CancellationToken cancellationToken);

    /// <summary>Flushes to disk and renames the file to its final name.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
