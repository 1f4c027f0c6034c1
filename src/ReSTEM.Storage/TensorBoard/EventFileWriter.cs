using System.Globalization;

namespace ReSTEM.Storage.TensorBoard;

/// <summary>
/// Appends scalars to a TensorBoard event file (<c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;.&lt;pid&gt;</c>,
/// the name TensorBoard looks for) in a folder. Each record is flushed as it is written, so
/// <c>tensorboard --logdir</c> shows a running service's curves; a process killed mid-record
/// leaves at most that record cut short, which TensorBoard's reader skips. Thread-safe.
/// </summary>
public sealed class EventFileWriter : IDisposable
{
    private readonly Lock _lock = new();
    private readonly FileStream _file;

    /// <summary>Creates a new event file in <paramref name="directory"/> (created if missing).</summary>
    public EventFileWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        var name = System.IO.Path.Combine(directory, string.Create(CultureInfo.InvariantCulture,
            $"events.out.tfevents.{now.ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}"));
        // A second writer of the same second and process must not reuse the name: a clash takes the next free suffix.
        Path = name;
        for (var n = 1; File.Exists(Path); n++) Path = string.Create(CultureInfo.InvariantCulture, $"{name}.{n}");
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Append(TensorBoardEvents.FileVersionEvent(WallTime(now)));
    }

    /// <summary>The event file.</summary>
    public string Path { get; }

    /// <summary>Appends one scalar of series <paramref name="tag"/> at <paramref name="step"/>.</summary>
    public void Scalar(string tag, long step, double value) =>
        Append(TensorBoardEvents.ScalarEvent(WallTime(DateTimeOffset.UtcNow), step, tag, (float)value));

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock) _file.Dispose();
    }

    private static double WallTime(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    private void Append(byte[] eventBytes)
    {
        var record = TensorBoardEvents.Record(eventBytes);
        lock (_lock)
        {
            if (!_file.CanWrite) return;
            _file.Write(record);
            _file.Flush();
        }
    }
}
