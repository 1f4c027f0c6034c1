using System.Net;
using ReSTEM.Host.Configuration;

namespace ReSTEM.Host.Telemetry;

/// <summary><c>restem.telemetry</c>: where a run's metrics, training curves and status go.</summary>
public sealed record TelemetryOptions
{
    /// <summary>The protocols <c>restem.telemetry.otlp-protocol</c> accepts.</summary>
    public static IReadOnlyList<string> OtlpProtocols { get; } = ["grpc", "http/protobuf"];

    /// <summary>Port of the Prometheus scrape endpoint; 0 = off.</summary>
    public int PrometheusPort { get; init; }

    /// <summary>Address the scrape endpoint binds to.</summary>
    public string PrometheusHost { get; init; } = "127.0.0.1";

    /// <summary>OTLP endpoint; null = off.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; init; } = "grpc";

    /// <summary>Whether TensorBoard event files are written under the run folder.</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>The shortest time between two rewrites of status.json.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Binds and validates <c>restem.telemetry</c>.</summary>
    /// <exception cref="ConfigurationError">A value is out of range (the message names the key).</exception>
    public static TelemetryOptions Bind(HoconDocument document)
    {
        var c = new RunOptionsBinder.Reader(document.Effective, document.Source);
        var host = c.NonEmpty("restem.telemetry.prometheus-host");
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown && host is not "*" and not "+")
            throw new ConfigurationError($"restem.telemetry.prometheus-host = {host}: expected an address or host name (127.0.0.1 keeps the endpoint on this machine)");
        var endpoint = document.Effective.GetString("restem.telemetry.otlp-endpoint") ?? "";
        Uri? otlp = null;
        if (endpoint.Length > 0 && (!Uri.TryCreate(endpoint, UriKind.Absolute, out otlp) || otlp.Scheme is not ("http" or "https")))
            throw new ConfigurationError($"restem.telemetry.otlp-endpoint = {endpoint}: expected an http:// or https:// URL, or \"\" for off");
        return new TelemetryOptions
        {
            PrometheusPort = c.Int("restem.telemetry.prometheus-port", 0, IPEndPoint.MaxPort),
            PrometheusHost = host,
            OtlpEndpoint = otlp,
            OtlpProtocol = c.OneOf("restem.telemetry.otlp-protocol", OtlpProtocols),
            TensorBoard = c.Bool("restem.telemetry.tensorboard"),
            StatusInterval = TimeSpan.FromSeconds(c.Double("restem.telemetry.status-interval-seconds", 0, 3600)),
        };
    }
}
