using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using ReSTEM.Actors.Runs;

namespace ReSTEM.Host.Telemetry;

/// <summary>
/// The OpenTelemetry SDK over <see cref="RunMetrics"/>: a Prometheus scrape endpoint and an OTLP
/// exporter, each only when configured. Disposing stops both (a final OTLP export included).
/// </summary>
public static class MetricsExport
{
    /// <summary>The scrape endpoint's path.</summary>
    public const string ScrapePath = "/metrics";

    /// <summary>Starts the configured exporters for the run <paramref name="runId"/>; null when none is configured.</summary>
    public static MeterProvider? Start(TelemetryOptions options, string runId)
    {
        if (options.PrometheusPort == 0 && options.OtlpEndpoint is null) return null;
        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService("restem", serviceInstanceId: runId))
            .AddMeter(RunMetrics.MeterName);
        if (options.PrometheusPort > 0)
        {
            builder.AddPrometheusHttpListener(o =>
            {
                o.Host = options.PrometheusHost;
                o.Port = options.PrometheusPort;
                o.ScrapeEndpointPath = ScrapePath;
            });
        }
        if (options.OtlpEndpoint is { } endpoint)
        {
            var grpc = options.OtlpProtocol == "grpc";
            builder.AddOtlpExporter(o =>
            {
                // Over HTTP the SDK posts to the endpoint as given: a bare collector address gets the metrics path.
                o.Endpoint = !grpc && endpoint.AbsolutePath == "/" ? new Uri(endpoint, "v1/metrics") : endpoint;
                o.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
            });
        }
        return builder.Build();
    }
}
