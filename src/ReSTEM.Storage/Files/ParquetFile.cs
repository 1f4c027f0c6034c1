using Parquet;
using Parquet.Serialization;

namespace ReSTEM.Storage.Files;

/// <summary>
/// Reads and writes whole Parquet files of one row type. Writes are atomic; a file that cannot
/// be read raises <see cref="DamagedFileException"/> naming it, never a bare parser error.
/// </summary>
public static class ParquetFile
{
    private static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Snappy };

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/> atomically (temp file, flush, rename).</summary>
    public static Task WriteAsync<T>(string path, IReadOnlyCollection<T> rows, CancellationToken cancellationToken = default)
        where T : class, new() =>
        AtomicFile.WriteAsync(path, (stream, ct) => ParquetSerializer.SerializeAsync(rows, stream, Options, cancellationToken: ct), cancellationToken);

    /// <summary>Reads every row of <paramref name="path"/>.</summary>
    /// <exception cref="DamagedFileException">The file is not a readable Parquet file of this row type.</exception>
    public static async Task<IReadOnlyList<T>> ReadAsync<T>(string path, CancellationToken cancellationToken = default)
        where T : class, new()
    {
        try
        {
            await using var stream = File.OpenRead(path);
            var rows = await ParquetSerializer.DeserializeAsync<T>(stream, Options, cancellationToken: cancellationToken).ConfigureAwait(false);
            return rows.Data.ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException and not FileNotFoundException and not DamagedFileException)
        {
            throw new DamagedFileException(path, e.Message, e);
        }
    }
}
