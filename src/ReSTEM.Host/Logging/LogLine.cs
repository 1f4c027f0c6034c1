using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ReSTEM.Host.Logging;

/// <summary>Formats one log entry as a line of text or as one JSON object (no line break inside either).</summary>
public static class LogLine
{
    /// <summary>The entry as a line in <paramref name="format"/>.</summary>
    public static string Format(
        LogFormat format, DateTimeOffset time, LogLevel level, string category, string message, RunLogContext.Snapshot context, Exception? exception) =>
        format == LogFormat.Json ? Json(time, level, category, message, context, exception) : Text(time, level, category, message, context, exception);

    /// <summary>The lower-case name of <paramref name="level"/> (<c>information</c>, <c>warning</c>, ...).</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "information",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };

    private static string Json(DateTimeOffset time, LogLevel level, string category, string message, RunLogContext.Snapshot context, Exception? exception)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(level));
            json.WriteString("category", category);
            json.WriteString("message", message);
            if (context.RunId is { } runId) json.WriteString("run_id", runId);
            if (context.Iteration is { } iteration) json.WriteNumber("iteration", iteration);
            if (context.Phase is { } phase) json.WriteString("phase", phase);
            if (exception is not null) json.WriteString("exception", exception.ToString());
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Text(DateTimeOffset time, LogLevel level, string category, string message, RunLogContext.Snapshot context, Exception? exception)
    {
        var line = new StringBuilder();
        line.Append(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(' ');
        line.Append(LevelName(level)).Append(' ').Append(category);
        if (context.Iteration is { } iteration) line.Append(CultureInfo.InvariantCulture, $" [iter {iteration}{(context.Phase is null ? "" : " " + context.Phase)}]");
        line.Append(": ").Append(message.ReplaceLineEndings(" | "));
        if (exception is not null) line.Append(" | ").Append(exception.ToString().ReplaceLineEndings(" | "));
        return line.ToString();
    }
}
