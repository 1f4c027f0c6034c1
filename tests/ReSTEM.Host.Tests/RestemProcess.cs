using System.Diagnostics;
using System.Text;

namespace ReSTEM.Host.Tests;

/// <summary>The built <c>restem</c> executable run as a child process, as users and scripts run it.</summary>
internal sealed class RestemProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Lock _lock = new();

    private RestemProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_lock) return _output.ToString();
        }
    }

    /// <summary>Standard error alone.</summary>
    public string Error
    {
        get
        {
            lock (_lock) return _error.ToString();
        }
    }

    /// <summary>The executable built beside this test assembly's configuration (run.sh builds Release).</summary>
    public static string Executable()
    {
        var configuration = AppContext.BaseDirectory.Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = Path.Combine(ConfigurationTests.RepositoryRoot(), "src", "ReSTEM.Host", "bin", configuration, "net10.0", "restem");
        return File.Exists(path) ? path : throw new FileNotFoundException("build the solution first: the restem executable is missing", path);
    }

    public static RestemProcess Start(params string[] args) => Start(new Dictionary<string, string?>(), args);

    /// <summary>Starts restem with <paramref name="environment"/> added to (or, for null values, removed from) this process's environment.</summary>
    public static RestemProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo(Executable())
        {
            WorkingDirectory = ConfigurationTests.RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new RestemProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data, error: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs to the end and returns the exit code.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args) =>
        RunAsync(timeout, new Dictionary<string, string?>(), args);

    /// <summary>Runs to the end with <paramref name="environment"/> (see <see cref="Start(IReadOnlyDictionary{string, string?}, string[])"/>) and returns the exit code.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var child = Start(environment, args);
        var code = await child.WaitAsync(timeout);
        return (code, child.Output);
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"restem did not finish within {timeout}; output so far:\n{Output}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; false when the process ended first.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (Output.Contains(text, StringComparison.Ordinal)) return true;
            if (_process.HasExited) return Output.Contains(text, StringComparison.Ordinal);
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>
    /// Waits until one of <paramref name="texts"/> has been printed and returns the index of the first
    /// (in list order) that has; -1 when the process ends or the time runs out with none printed.
    /// </summary>
    public async Task<int> WaitForAnyOutputAsync(IReadOnlyList<string> texts, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var exited = _process.HasExited;
            var output = Output;
            for (var i = 0; i < texts.Count; i++)
            {
                if (output.Contains(texts[i], StringComparison.Ordinal)) return i;
            }
            if (exited) return -1;
            await Task.Delay(50);
        }
        return -1;
    }

    public bool HasExited => _process.HasExited;

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Append(string? line, bool error = false)
    {
        if (line is null) return;
        lock (_lock)
        {
            _output.AppendLine(line);
            if (error) _error.AppendLine(line);
        }
    }
}
