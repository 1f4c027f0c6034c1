namespace ReSTEM.Host.Tests;

/// <summary>
/// One tiny run with <c>--log-format json</c> and the Prometheus endpoint on, shared by the
/// operations tests: while it samples, its log file is renamed and the process gets SIGHUP (as
/// logrotate does), so the run leaves both the rotated file and a new one; once iteration 2
/// samples (iteration 1's samples are all written), the endpoint is scraped.
/// </summary>
public sealed class TinyJsonRun : IAsyncLifetime
{
    public static readonly string TinyConfig = Path.Combine(ConfigurationTests.RepositoryRoot(), "hocon", "tiny.conf");

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "restem-ops-" + Guid.NewGuid().ToString("N")[..10]);

    public string RunDir => Path.Combine(Root, "tiny");

    public int ExitCode { get; private set; }

    public string Output { get; private set; } = "";

    public string Error { get; private set; } = "";

    public bool Rotated { get; private set; }

    public int MetricsPort { get; } = FreePort();

    /// <summary>The scrape taken while iteration 2 sampled; null when none answered.</summary>
    public string? Scrape { get; private set; }

    /// <summary>The listening TCP sockets (/proc/net/tcp) at the time of the scrape.</summary>
    public string Sockets { get; private set; } = "";

    public async Task InitializeAsync()
    {
        using var child = RestemProcess.Start("run", "--config", TinyConfig, "--run-dir", RunDir, "--log-format", "json",
            "--set", $"telemetry.prometheus-port={MetricsPort}");
        if (await child.WaitForOutputAsync("\"phase\":\"sampling\"", TimeSpan.FromMinutes(3)) && !child.HasExited)
        {
            File.Move(Path.Combine(RunDir, "restem.log"), Path.Combine(RunDir, "restem.log.1"));
            child.Signal("HUP");
            Rotated = true;
        }
        if (await child.WaitForOutputAsync("\"iteration\":2,\"phase\":\"sampling\"", TimeSpan.FromMinutes(3)) && !child.HasExited)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            try
            {
                Scrape = await http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics");
                Sockets = File.ReadAllText("/proc/net/tcp");
            }
            catch (HttpRequestException)
            {
                Scrape = null;
            }
        }
        ExitCode = await child.WaitAsync(TimeSpan.FromMinutes(5));
        Output = child.Output;
        Error = child.Error;
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}
