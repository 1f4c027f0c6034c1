using ReSTEM.Core.Verification;

namespace ReSTEM.Sandbox.Tests;

/// <summary>One sandbox shared by the tests of a collection (making one costs a trial run).</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public List<string> Warnings { get; } = [];

    public PythonSandbox Sandbox { get; private set; } = null!;

    public static SandboxOptions Options => new()
    {
        Slots = 2,
        CpuSeconds = 3,
        WallSeconds = 6,
        MemoryMB = 256,
        MaxProcesses = 32,
        MaxOutputBytes = 1 << 20,
        CgroupName = "restem-sandbox-tests",
    };

    public Task InitializeAsync()
    {
        Sandbox = SandboxFactory.Create(Options, Warnings.Add);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();

    public async Task<ProgramRunResult> RunAsync(string source, string stdin = "", double? wallSeconds = null, double? cpuSeconds = null)
    {
        var run = new ProgramRun
        {
            Source = source,
            Stdin = System.Text.Encoding.UTF8.GetBytes(stdin),
            WallTimeout = wallSeconds is { } w ? TimeSpan.FromSeconds(w) : null,
            CpuTimeout = cpuSeconds is { } c ? TimeSpan.FromSeconds(c) : null,
        };
        return await Sandbox.RunAsync(run, CancellationToken.None);
    }
}

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}
