namespace ReSTEM.Model.Tests;

public sealed class LibTorchTests
{
    private const string Own = "/app/libtorch-cpu";

    private static LibTorchChoice Choose(string? variable, string? pythonLib, params string[] files)
    {
        var set = new HashSet<string>(files, StringComparer.Ordinal);
        bool Folder(string dir) => set.Any(f => f.StartsWith(dir.TrimEnd('/') + "/", StringComparison.Ordinal));
        return LibTorch.Choose(variable, pythonLib, "python3 has no torch module", Own, set.Contains, Folder);
    }

    [Fact]
    public void The_variable_wins_over_python_and_accepts_a_folder_or_its_lib()
    {
        var direct = Choose("/opt/libtorch/lib", "/py/torch/lib", "/opt/libtorch/lib/libtorch_cuda.so", "/py/torch/lib/libtorch_cuda.so", Own + "/libtorch_cpu.so");
        Assert.Equal(new LibTorchChoice(LibTorchKind.Cuda, "/opt/libtorch/lib", "RESTEM_LIBTORCH=/opt/libtorch/lib"), direct);
        var parent = Choose("/opt/libtorch", null, "/opt/libtorch/lib/libtorch_cuda.so", "/opt/libtorch/lib/libtorch_cpu.so");
        Assert.Equal(LibTorchKind.Cuda, parent.Kind);
        Assert.Equal("/opt/libtorch/lib", parent.Folder);
        Assert.Null(parent.Problem);
    }

    [Fact]
    public void The_variable_may_name_a_cpu_libtorch()
    {
        var cpu = Choose("/tmp/cpu", "/py/torch/lib", "/tmp/cpu/libtorch_cpu.so", "/py/torch/lib/libtorch_cuda.so");
        Assert.Equal(LibTorchKind.Cpu, cpu.Kind);
        Assert.Equal("/tmp/cpu", cpu.Folder);
        Assert.Contains("no libtorch_cuda.so", cpu.Why);
    }

    [Fact]
    public void Python_torch_with_cuda_is_used_when_the_variable_is_not_set()
    {
        var choice = Choose(null, "/py/torch/lib", "/py/torch/lib/libtorch_cuda.so", "/py/torch/lib/libtorch_cpu.so", Own + "/libtorch_cpu.so");
        Assert.Equal(LibTorchKind.Cuda, choice.Kind);
        Assert.Equal("/py/torch/lib", choice.Folder);
        Assert.Contains("python3's PyTorch", choice.Why);
    }

    [Fact]
    public void Without_a_cuda_libtorch_the_build_copy_is_used_and_says_why()
    {
        var cpuPython = Choose("  ", "/py/torch/lib", "/py/torch/lib/libtorch_cpu.so", Own + "/libtorch_cpu.so");
        Assert.Equal(LibTorchKind.Cpu, cpuPython.Kind);
        Assert.Equal(Own, cpuPython.Folder);
        Assert.Contains("is a CPU build", cpuPython.Why);
        Assert.Null(cpuPython.Problem);

        var noPython = Choose(null, null, Own + "/libtorch_cpu.so");
        Assert.Equal(Own, noPython.Folder);
        Assert.Contains("python3 has no torch module", noPython.Why);
    }

    [Fact]
    public void A_missing_or_empty_variable_folder_is_a_problem_that_names_it()
    {
        var missing = Choose("/nowhere", "/py/torch/lib", "/py/torch/lib/libtorch_cuda.so", Own + "/libtorch_cpu.so");
        Assert.Equal(LibTorchKind.Cpu, missing.Kind);
        Assert.Equal(Own, missing.Folder);
        Assert.Equal("RESTEM_LIBTORCH=/nowhere: no such folder", missing.Problem);
        Assert.Contains("RESTEM_LIBTORCH=/nowhere: no such folder", missing.Describe());

        var empty = Choose("/opt/empty", null, "/opt/empty/readme.txt", Own + "/libtorch_cpu.so");
        Assert.Contains("neither libtorch_cuda.so nor libtorch_cpu.so", empty.Problem);
    }

    [Fact]
    public void A_bundle_without_the_cpu_copy_and_no_cuda_has_no_libtorch()
    {
        var none = Choose(null, null);
        Assert.Equal(LibTorchKind.None, none.Kind);
        Assert.Null(none.Folder);
        Assert.Contains("RESTEM_LIBTORCH", none.Problem);
        Assert.StartsWith("no libtorch", none.Describe());
    }

    [Fact]
    public void The_version_is_read_from_pytorch_or_a_libtorch_archive()
    {
        var root = Directory.CreateTempSubdirectory("restem-libtorch-");
        try
        {
            var torchLib = Directory.CreateDirectory(Path.Combine(root.FullName, "torch", "lib")).FullName;
            File.WriteAllText(Path.Combine(root.FullName, "torch", "version.py"), "__version__ = '2.11.0+cu130'\ncuda = '13.0'\n");
            Assert.Equal("2.11.0+cu130", LibTorch.VersionOf(torchLib));
            var archiveLib = Directory.CreateDirectory(Path.Combine(root.FullName, "libtorch", "lib")).FullName;
            File.WriteAllText(Path.Combine(root.FullName, "libtorch", "build-version"), "2.10.0+cu128\n");
            Assert.Equal("2.10.0+cu128", LibTorch.VersionOf(archiveLib));
            Assert.Null(LibTorch.VersionOf(root.FullName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void This_process_runs_on_the_build_copy_kept_out_of_the_program_folder()
    {
        var program = AppContext.BaseDirectory;
        Assert.True(File.Exists(Path.Combine(program, "libtorch-cpu", "libtorch_cpu.so")), "the build copies the CPU libtorch to libtorch-cpu/");
        Assert.False(File.Exists(Path.Combine(program, "libtorch_cpu.so")), "a libtorch in the program folder would be loaded by name beside a CUDA one");
        Assert.False(File.Exists(Path.Combine(program, "runtimes", "linux-x64", "native", "libtorch_cpu.so")));
        var loaded = LibTorch.EnsureLoaded();
        if (Environment.GetEnvironmentVariable(LibTorch.Variable) is null && loaded.Kind == LibTorchKind.Cpu)
        {
            Assert.Equal(LibTorch.BuildCopy, loaded.Folder);
            Assert.Equal("2.10.0", loaded.Version);
        }
        Assert.NotEqual(LibTorchKind.None, loaded.Kind);
        using var sum = TorchSharp.torch.ones(3).sum();
        Assert.Equal(3f, sum.item<float>());
        Assert.Contains(loaded.Describe(), DeviceResolver.Resolve(DeviceOptions.Cpu).Explanation);
    }
}
