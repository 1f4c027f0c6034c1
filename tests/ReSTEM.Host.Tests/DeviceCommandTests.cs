using ReSTEM.Model;

namespace ReSTEM.Host.Tests;

public sealed class DeviceCommandTests : IDisposable
{
    private static readonly string TinyConfig = Path.Combine(ConfigurationTests.RepositoryRoot(), "hocon", "tiny.conf");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-device-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Cuda_asked_for_without_a_usable_cuda_is_refused_before_anything_is_written()
    {
        if (DeviceResolver.IsCudaAvailable(out _)) return; // on a GPU machine the same commands run; this is the CPU machine's answer
        var runDir = Path.Combine(_root, "run");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "run", "--config", TinyConfig, "--set", "restem.model.device=cuda", "--run-dir", runDir);
        Assert.Equal(2, code);
        Assert.Contains("restem.model.device = cuda", text);
        Assert.Contains("CUDA is not usable", text);
        Assert.False(Directory.Exists(runDir), "nothing is written for a run that cannot start");

        var baseDir = Path.Combine(_root, "base");
        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "pretrain", "--config", TinyConfig, "--set", "restem.model.device=cuda", "--output", baseDir);
        Assert.Equal(2, code);
        Assert.Contains("restem.model.device = cuda", text);
        Assert.False(Directory.Exists(baseDir));

        var checkpoint = Directory.CreateDirectory(Path.Combine(_root, "checkpoint")).FullName;
        await File.WriteAllTextAsync(Path.Combine(checkpoint, "config.json"), "{}");
        var evalDir = Path.Combine(_root, "eval");
        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "eval", "--checkpoint", checkpoint, "--config", TinyConfig, "--set", "restem.model.device=cuda", "--output", evalDir);
        Assert.Equal(2, code);
        Assert.Contains("restem.model.device = cuda", text);
        Assert.False(Directory.Exists(evalDir));
    }

    [Fact]
    public async Task A_libtorch_folder_that_does_not_exist_is_named_in_the_refusal()
    {
        var missing = Path.Combine(_root, "no-libtorch-here");
        var runDir = Path.Combine(_root, "run");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), new Dictionary<string, string?> { [LibTorch.Variable] = missing },
            "run", "--config", TinyConfig, "--set", "restem.model.device=cuda", "--run-dir", runDir);
        Assert.Equal(2, code);
        Assert.Contains($"{LibTorch.Variable}={missing}: no such folder", text);
        Assert.False(Directory.Exists(runDir));
    }

    [Fact]
    public async Task A_cuda_libtorch_named_by_the_variable_is_loaded_from_its_folder_and_said_so()
    {
        if (DeviceResolver.IsCudaAvailable(out _)) return; // a real GPU would make this folder's stand-in pointless
        // A stand-in "CUDA" libtorch: the build's CPU libraries, with libtorch.so also under the name
        // libtorch_cuda.so. It loads, so the process runs on it; it has no CUDA, so cuda is refused.
        var own = Path.Combine(Path.GetDirectoryName(RestemProcess.Executable())!, LibTorch.CpuFolderName);
        var lib = Directory.CreateDirectory(Path.Combine(_root, "torch", "lib")).FullName;
        foreach (var file in Directory.EnumerateFiles(own, "*.so*")) File.CreateSymbolicLink(Path.Combine(lib, Path.GetFileName(file)), file);
        File.CreateSymbolicLink(Path.Combine(lib, "libtorch_cuda.so"), Path.Combine(own, "libtorch.so"));
        await File.WriteAllTextAsync(Path.Combine(_root, "torch", "version.py"), "__version__ = '2.10.0+stand-in'\n");
        var runDir = Path.Combine(_root, "run");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), new Dictionary<string, string?> { [LibTorch.Variable] = Path.Combine(_root, "torch") },
            "run", "--config", TinyConfig, "--set", "restem.model.device=cuda", "--run-dir", runDir);
        Assert.Equal(2, code);
        Assert.Contains($"libtorch 2.10.0+stand-in with CUDA at {lib} ({LibTorch.Variable}={Path.Combine(_root, "torch")})", text);
        Assert.Contains("no CUDA device is visible", text);
        Assert.False(Directory.Exists(runDir));
    }

    [Fact]
    public async Task A_cuda_libtorch_that_does_not_load_leaves_the_cpu_copy_and_names_the_loader_error()
    {
        if (DeviceResolver.IsCudaAvailable(out _)) return;
        var broken = Directory.CreateDirectory(Path.Combine(_root, "broken")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(broken, "libtorch_cuda.so"), []);
        var runDir = Path.Combine(_root, "run");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), new Dictionary<string, string?> { [LibTorch.Variable] = broken },
            "run", "--config", TinyConfig, "--set", "restem.model.device=cuda", "--run-dir", runDir);
        Assert.Equal(2, code);
        Assert.Contains($"the build's own copy, because {Path.Combine(broken, "libtorch_cuda.so")} could not be loaded", text);
        Assert.Contains("file too short", text);
        Assert.False(Directory.Exists(runDir));
    }
}
