using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReSTEM.Storage.Files;

namespace ReSTEM.Storage.Tables;

/// <summary>Writes records as JSON Lines (gzip-compressed when the name ends in <c>.gz</c>), atomically.</summary>
public sealed class JsonlRowWriter : IRowWriter
{
    // Non-ASCII text and quotes stay readable; the output is a data file, never embedded in HTML.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _path;
    private readonly string _temp;
    private readonly FileStream _file;
    private readonly Stream _stream;
    private readonly StreamWriter _writer;
    private bool _committed;

    /// <summary>Opens the temporary file beside <paramref name="path"/>.</summary>
    public JsonlRowWriter(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _temp = AtomicFile.TempPathFor(_path);
        _file = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _stream = _path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(_file, CompressionLevel.Fastest, leaveOpen: true) : _file;
        _writer = new StreamWriter(_stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
    }

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<JsonObject> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            await _writer.WriteLineAsync(row.ToJsonString(Json).AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (!ReferenceEquals(_stream, _file)) await _stream.DisposeAsync().ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
        AtomicFile.Commit(_temp, _path);
        _committed = true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_committed) return;
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (!ReferenceEquals(_stream, _file)) await _stream.DisposeAsync().ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
        File.Delete(_temp);
    }
}
