using System.Text.Json;
using Microsoft.Extensions.Logging;
using ReSTEM.Host.Configuration;
using ReSTEM.Host.Logging;
using ReSTEM.Host.Telemetry;

namespace ReSTEM.Host.Tests;

public sealed class TelemetryAndLogsTests
{
    private static TelemetryOptions Bind(params string[] overrides) =>
        TelemetryOptions.Bind(HoconDocument.FromText("", overrides, "test.conf"));

    [Fact]
    public void Telemetry_is_off_by_default_and_binds_to_loopback()
    {
        var options = Bind();
        Assert.Equal(0, options.PrometheusPort);
        Assert.Equal("127.0.0.1", options.PrometheusHost);
        Assert.Null(options.OtlpEndpoint);
        Assert.Null(MetricsExport.Start(options, "run"));
    }

    [Theory]
    [InlineData("telemetry.prometheus-port=70000", "restem.telemetry.prometheus-port")]
    [InlineData("telemetry.prometheus-host=\"not a host\"", "restem.telemetry.prometheus-host")]
    [InlineData("telemetry.otlp-endpoint=\"localhost:4317\"", "restem.telemetry.otlp-endpoint")]
    [InlineData("telemetry.otlp-protocol=udp", "restem.telemetry.otlp-protocol")]
    public void Bad_telemetry_values_are_refused_by_key(string setting, string key)
    {
        var error = Assert.Throws<ConfigurationError>(() => Bind(setting));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public async Task The_otlp_exporter_posts_the_run_metrics_to_the_configured_collector()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var collector = new System.Net.HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = ReceiveAsync(collector);

        var options = Bind($"telemetry.otlp-endpoint=\"http://127.0.0.1:{port}\"", "telemetry.otlp-protocol=\"http/protobuf\"");
        using (var meters = MetricsExport.Start(options, "otlp-test"))
        {
            Assert.NotNull(meters);
            ReSTEM.Actors.Runs.RunMetrics.Generated(3, 42);
        }

        var (path, body) = await received.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("/v1/metrics", path);
        var text = System.Text.Encoding.UTF8.GetString(body);
        Assert.Contains("restem.samples.generated", text);
        Assert.Contains("otlp-test", text);

        static async Task<(string Path, byte[] Body)> ReceiveAsync(System.Net.HttpListener listener)
        {
            while (true)
            {
                var context = await listener.GetContextAsync();
                using var buffer = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(buffer);
                context.Response.StatusCode = 200;
                context.Response.Close();
                var body = buffer.ToArray();
                if (System.Text.Encoding.UTF8.GetString(body).Contains("restem.samples.generated", StringComparison.Ordinal))
                    return (context.Request.Url!.AbsolutePath, body);
            }
        }
    }

    [Fact]
    public void A_json_entry_is_one_line_with_the_run_fields()
    {
        var context = new RunLogContext();
        context.SetRun("r-1");
        context.SetPhase(2, "sampling");
        var line = LogLine.Format(LogFormat.Json, DateTimeOffset.UnixEpoch, LogLevel.Warning, "restem.run", "two\nlines \"quoted\"", context.Current, null);

        Assert.DoesNotContain('\n', line);
        using var entry = JsonDocument.Parse(line);
        var root = entry.RootElement;
        Assert.Equal("1970-01-01T00:00:00.000Z", root.GetProperty("time").GetString());
        Assert.Equal("warning", root.GetProperty("level").GetString());
        Assert.Equal("restem.run", root.GetProperty("category").GetString());
        Assert.Equal("two\nlines \"quoted\"", root.GetProperty("message").GetString());
        Assert.Equal("r-1", root.GetProperty("run_id").GetString());
        Assert.Equal(2, root.GetProperty("iteration").GetInt32());
        Assert.Equal("sampling", root.GetProperty("phase").GetString());
    }

    [Fact]
    public void Reopening_the_log_file_lets_a_rotated_file_go()
    {
        var dir = Directory.CreateTempSubdirectory("restem-logs-").FullName;
        try
        {
            var path = Path.Combine(dir, Logs.FileName);
            using (var logs = new Logs(LogFormat.Text, verbose: false, console: TextWriter.Null))
            {
                logs.OpenFile(path);
                logs.Create("t").Info("before");
                File.Move(path, path + ".1");
                logs.ReopenFile();
                logs.Create("t").Info("after");
            }
            Assert.Contains("before", File.ReadAllText(path + ".1"));
            Assert.DoesNotContain("after", File.ReadAllText(path + ".1"));
            Assert.Contains("t: after", File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Text_mode_keeps_information_off_the_terminal_and_in_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("restem-logs-").FullName;
        try
        {
            var console = new StringWriter();
            var path = Path.Combine(dir, Logs.FileName);
            using (var logs = new Logs(LogFormat.Text, verbose: false, console: console))
            {
                logs.OpenFile(path);
                logs.Create("t").Info("progress line");
                logs.Create("t").Warning("a warning");
            }
            Assert.Equal("warning: a warning" + Environment.NewLine, console.ToString());
            var file = File.ReadAllText(path);
            Assert.Contains("information t: progress line", file);
            Assert.Contains("warning t: a warning", file);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
