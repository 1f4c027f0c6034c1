using Akka.Hosting;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace ReSTEM.Host.Logging;

/// <summary>Routes the actor system's log through the host's Microsoft.Extensions.Logging (so <c>--log-format</c> and the log file apply to it).</summary>
public static class AkkaLogging
{
    /// <summary>Replaces Akka's console logger by the host's logger factory; <paramref name="verbose"/> lets informational messages through.</summary>
    public static AkkaConfigurationBuilder WithLogs(this AkkaConfigurationBuilder builder, bool verbose = false) =>
        builder.ConfigureLoggers(setup =>
        {
            setup.LogLevel = verbose ? AkkaLogLevel.InfoLevel : AkkaLogLevel.WarningLevel;
            setup.ClearLoggers();
            setup.AddLoggerFactory();
        });
}
