namespace ReSTEM.Host.Tests;

/// <summary>
/// One tiny run with <c>--log-format json</c>, shared by the operations tests: while it samples,
/// its log file is renamed and the process gets SIGHUP (as logrotate does), so the run leaves
/// both the rotated file and a new one.
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

    public async Task InitializeAsync()
    {
        using var child = RestemProcess.Start("run", "--config", TinyConfig, "--run-dir", RunDir, "--log-format", "json");
        if (await child.WaitForOutputAsync("\"phase\":\"sampling\"", TimeSpan.FromMinutes(3)) && !child.HasExited)
        {
            File.Move(Path.Combine(RunDir, "restem.log"), Path.Combine(RunDir, "restem.log.1"));
            child.Signal("HUP");
            Rotated = true;
        }
        ExitCode = await child.WaitAsync(TimeSpan.FromMinutes(5));
        Output = child.Output;
        Error = child.Error;
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
