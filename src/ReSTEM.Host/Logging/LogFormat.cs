namespace ReSTEM.Host.Logging;

/// <summary>How log lines are written (<c>--log-format</c>).</summary>
public enum LogFormat
{
    /// <summary>Human-readable lines (the default).</summary>
    Text,

    /// <summary>One JSON object a line: <c>time</c>, <c>level</c>, <c>category</c>, <c>message</c>, and during a run <c>run_id</c>, <c>iteration</c>, <c>phase</c>.</summary>
    Json,
}
