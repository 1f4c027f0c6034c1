using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using ReSTEM.Actors.Runs;

namespace ReSTEM.Host.Hosting;

/// <summary>
/// How the process ends when asked to (SIGTERM, SIGINT, SIGQUIT): the signal's default action
/// is cancelled and <see cref="Requested"/> fires, so the command stops its work, records what
/// is durable and returns its own exit code. Native threads still inside libtorch when its
/// static destructors run crash the process, so should anything else begin the process's exit
/// (a library calling <see cref="Environment.Exit"/>), the process-exit handler requests the
/// same stop and holds the exit until the command has finished and every native job has ended.
/// Also the host's lifetime, replacing the console lifetime whose signal handling would race
/// with this one.
/// </summary>
public sealed class ProcessShutdown : IHostLifetime, IDisposable
{
    /// <summary>The longest the process-exit handler waits for the command to finish.</summary>
    public static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(9);

    private readonly CancellationTokenSource _requested = new();
    private readonly ManualResetEventSlim _completed = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _exitCode;

    private ProcessShutdown()
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                Request(context.Signal.ToString());
            }));
        }
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Fires when the process is asked to stop.</summary>
    public CancellationToken Requested => _requested.Token;

    /// <summary>What asked the process to stop (a signal name), once something has.</summary>
    public string? Reason { get; private set; }

    /// <summary>Installs the handlers for this process.</summary>
    public static ProcessShutdown Install() => new();

    /// <summary>The command finished with <paramref name="exitCode"/>: a pending process exit may go on, with that code.</summary>
    public void Complete(int exitCode)
    {
        _exitCode = exitCode;
        _completed.Set();
    }

    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
    }

    private void Request(string reason)
    {
        Reason ??= reason;
        try
        {
            _requested.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (_completed.IsSet) return;
        Request("process exit");
        _completed.Wait(ExitWait);
        NativeJob.StopAll(TimeSpan.FromSeconds(2));
        Environment.ExitCode = _completed.IsSet ? _exitCode : 0;
    }
}
