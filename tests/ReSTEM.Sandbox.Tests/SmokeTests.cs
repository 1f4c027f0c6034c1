namespace ReSTEM.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class SmokeTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Hello_world_runs_and_reports_its_output()
    {
        var result = await fixture.RunAsync("import sys\nprint('hello', sys.stdin.read())", stdin: "world");
        Assert.Equal(Core.Verification.ProgramOutcome.Exited, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hello world\n", result.StdoutText);
        Console.WriteLine(fixture.Sandbox.Report);
        Console.WriteLine($"wall {result.Wall.TotalMilliseconds} ms cpu {result.Cpu} peak {result.PeakMemoryBytes}");
    }
}
