using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace ReSTEM.Host.Hosting;

/// <summary>
/// Turns SIGTERM and SIGINT into a clean stop: the signal's default action (ending the process
/// at once, with native training threads still inside libtorch) is cancelled, and
/// <see cref="Stopping"/> fires instead; the program then stops its host and returns its own
/// exit code. Replaces the console lifetime, whose signal handling would race with ours.
/// </summary>
public sealed class SignalLifetime : IHostLifetime, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<PosixSignalRegistration> _registrations = [];

    /// <summary>Registers the handlers.</summary>
    public SignalLifetime()
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                SignalName = context.Signal.ToString();
                _stopping.Cancel();
            }));
        }
    }

    /// <summary>Cancelled when a stop signal arrives.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The signal that arrived, if one did.</summary>
    public string? SignalName { get; private set; }

    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stopping.Dispose();
    }
}
