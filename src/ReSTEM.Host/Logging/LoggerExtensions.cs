using Microsoft.Extensions.Logging;

namespace ReSTEM.Host.Logging;

/// <summary>Logging of ready-made messages, whose braces are text, not a template's holes.</summary>
public static class LoggerExtensions
{
    /// <summary>Logs <paramref name="message"/> at Information.</summary>
    public static void Info(this ILogger logger, string message) => logger.LogInformation("{Message}", message);

    /// <summary>Logs <paramref name="message"/> at Warning.</summary>
    public static void Warning(this ILogger logger, string message) => logger.LogWarning("{Message}", message);

    /// <summary>Logs <paramref name="message"/> at Error.</summary>
    public static void Error(this ILogger logger, string message) => logger.LogError("{Message}", message);
}
