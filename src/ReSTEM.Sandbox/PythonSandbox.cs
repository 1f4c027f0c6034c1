using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using ReSTEM.Core.Verification;
using ReSTEM.Sandbox.Linux;

namespace ReSTEM.Sandbox;

/// <summary>
/// Runs Python programs in a pool of sandbox slots (bubblewrap namespaces, a dedicated non-root
/// uid, cgroup and resource limits per slot). A run leases a free slot, waiting when all are
/// busy. Made by <see cref="SandboxFactory.Create"/>; thread-safe.
/// </summary>
public sealed class PythonSandbox : IProgramRunner, IAsyncDisposable, IDisposable
{
    private readonly Spawner _spawner;
    private readonly ICgroupTree? _cgroups;
    private readonly IReadOnlyList<SandboxSlot> _slots;
    private readonly Channel<SandboxSlot> _free;
    private readonly ConcurrentDictionary<string, Lazy<Task<byte[]?>>> _compiled = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Compiles its standard input and writes the marshalled code object: run once per reused source.</summary>
    private const string CompileProgram =
        "import marshal,sys\n" +
        "sys.stdout.buffer.write(marshal.dumps(compile(sys.stdin.buffer.read(),'/tmp/main.py','exec')))\n";

    internal PythonSandbox(SandboxOptions options, SandboxReport report, Spawner spawner, ICgroupTree? cgroups, IReadOnlyList<SandboxSlot> slots)
    {
        Options = options;
        Report = report;
        _spawner = spawner;
        _cgroups = cgroups;
        _slots = slots;
        _free = Channel.CreateUnbounded<SandboxSlot>();
        foreach (var slot in slots)
        {
            _free.Writer.TryWrite(slot);
        }
    }

    /// <summary>The options this sandbox was made with.</summary>
    public SandboxOptions Options { get; }

    /// <summary>Which protections are in force on this machine.</summary>
    public SandboxReport Report { get; }

    /// <summary>Number of slots (programs that can run at once).</summary>
    public int SlotCount => _slots.Count;

    /// <inheritdoc />
    public async ValueTask<ProgramRunResult> RunAsync(ProgramRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var compiled = run.Reused ? await CompiledAsync(run.Source).WaitAsync(cancellationToken).ConfigureAwait(false) : null;
        SandboxSlot slot;
        try
        {
            slot = await _free.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(PythonSandbox));
        }
        try
        {
            return await slot.RunAsync(run, compiled, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault of the runner itself is reported as a value; the pipeline may retry it.
            return ProgramRunResult.SandboxFailure($"sandbox fault in slot {slot.Index}: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _free.Writer.TryWrite(slot);
        }
    }

    /// <summary>
    /// The marshalled code of a reused source, compiled once in a sandbox by the same
    /// interpreter; null when that failed (the source is then sent as text, as any other, and
    /// compiled again on a later run).
    /// </summary>
    private Task<byte[]?> CompiledAsync(string source) =>
        _compiled.GetOrAdd(source, text => new Lazy<Task<byte[]?>>(() => CompileAsync(text))).Value;

    private async Task<byte[]?> CompileAsync(string source)
    {
        var result = await RunAsync(new ProgramRun { Source = CompileProgram, Stdin = Encoding.UTF8.GetBytes(source), WallTimeout = TimeSpan.FromSeconds(30) },
            CancellationToken.None).ConfigureAwait(false);
        if (result is { Outcome: ProgramOutcome.Exited, ExitCode: 0 } && !result.Stdout.IsEmpty)
        {
            return result.Stdout.ToArray();
        }
        // A sandbox fault here is no reason to go without the compiled form for good: try again next time.
        _compiled.TryRemove(source, out _);
        return null;
    }

    /// <summary>Waits for running programs (up to a minute), kills what is left and removes the slot cgroups.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var returned = 0;
        try
        {
            while (returned < _slots.Count)
            {
                await _free.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                returned++;
            }
        }
        catch (OperationCanceledException)
        {
        }
        _free.Writer.TryComplete();
        foreach (var slot in _slots)
        {
            slot.Dispose();
        }
        _cgroups?.Dispose();
        _spawner.Dispose();
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
