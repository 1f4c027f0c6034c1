using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;
using ReSTEM.Storage.Files;

namespace ReSTEM.Storage.Tables;

/// <summary>
/// Writes records as Parquet with a fixed <see cref="RowSchema"/>, one row group per
/// <see cref="WriteAsync"/> call, atomically. Lists and objects are stored as JSON text.
/// </summary>
public sealed class ParquetRowWriter : IRowWriter
{
    private readonly string _path;
    private readonly string _temp;
    private readonly IReadOnlyList<(string Name, ColumnKind Kind)> _columns;
    private readonly DataField[] _fields;
    private FileStream? _file;
    private ParquetWriter? _writer;
    private bool _committed;

    /// <summary>Prepares to write <paramref name="schema"/>'s columns to <paramref name="path"/>.</summary>
    public ParquetRowWriter(string path, RowSchema schema)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _temp = AtomicFile.TempPathFor(_path);
        _columns = schema.Columns;
        _fields = _columns.Select(c => c.Kind switch
        {
            ColumnKind.Int64 => (DataField)new DataField<long?>(c.Name),
            ColumnKind.Double => new DataField<double?>(c.Name),
            ColumnKind.Float => new DataField<float?>(c.Name),
            ColumnKind.Boolean => new DataField<bool?>(c.Name),
            _ => new DataField<string>(c.Name, true),
        }).ToArray();
    }

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<JsonObject> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        if (_writer is null)
        {
            _file = new FileStream(_temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            _writer = await ParquetWriter.CreateAsync(new ParquetSchema(_fields), _file, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        using var group = _writer.CreateRowGroup();
        for (var c = 0; c < _columns.Count; c++)
        {
            var (name, kind) = _columns[c];
            var values = rows.Select(r => r.TryGetPropertyValue(name, out var node) ? node : null).ToList();
            switch (kind)
            {
                case ColumnKind.Int64:
                    await group.WriteAsync(_fields[c], (ReadOnlyMemory<long?>)values.Select(v => v is null ? (long?)null : ToLong(v)).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Double:
                    await group.WriteAsync(_fields[c], (ReadOnlyMemory<double?>)values.Select(v => v is null ? (double?)null : v.GetValue<double>()).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Float:
                    await group.WriteAsync(_fields[c], (ReadOnlyMemory<float?>)values.Select(v => v is null ? (float?)null : v.GetValue<float>()).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Boolean:
                    await group.WriteAsync(_fields[c], (ReadOnlyMemory<bool?>)values.Select(v => v is null ? (bool?)null : v.GetValue<bool>()).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await group.WriteAsync(_fields[c], values.Select(Text).ToArray()!, null).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <inheritdoc />
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_writer is null) await WriteEmptyAsync(cancellationToken).ConfigureAwait(false);
        await _writer!.DisposeAsync().ConfigureAwait(false);
        await _file!.DisposeAsync().ConfigureAwait(false);
        AtomicFile.Commit(_temp, _path);
        _committed = true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_committed) return;
        if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
        if (_file is not null) await _file.DisposeAsync().ConfigureAwait(false);
        if (File.Exists(_temp)) File.Delete(_temp);
    }

    private async Task WriteEmptyAsync(CancellationToken cancellationToken)
    {
        _file = new FileStream(_temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        _writer = await ParquetWriter.CreateAsync(new ParquetSchema(_fields), _file, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static long ToLong(JsonNode node) =>
        node is JsonValue v && v.TryGetValue<long>(out var l) ? l : (long)node.GetValue<double>();

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => node.ToJsonString(),
    };
}
