using System.Text;

namespace ReSTEM.Host.Logging;

/// <summary>
/// A text writer whose lines become <see cref="Logs.Notice"/> entries, for code that reports to a
/// <see cref="TextWriter"/> (the report's notes) when standard error must stay one JSON entry a line.
/// </summary>
public sealed class NoticeWriter : TextWriter
{
    private readonly Logs _logs;
    private readonly string _category;
    private readonly StringBuilder _line = new();

    /// <summary>Creates a writer logging each line as a notice of <paramref name="category"/>.</summary>
    public NoticeWriter(Logs logs, string category)
    {
        _logs = logs;
        _category = category;
    }

    /// <inheritdoc />
    public override Encoding Encoding => Encoding.UTF8;

    /// <inheritdoc />
    public override void Write(char value)
    {
        if (value == '\n') Flush();
        else if (value != '\r') _line.Append(value);
    }

    /// <inheritdoc />
    public override void Flush()
    {
        if (_line.Length == 0) return;
        _logs.Notice(_category, _line.ToString());
        _line.Clear();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }
}
