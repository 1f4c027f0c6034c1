using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace ReSTEM.Model;

/// <summary>
/// Picks ONE libtorch for the whole process and loads it by absolute path before TorchSharp's first
/// native call. TorchSharp loads <c>torch_cpu</c>, <c>torch_cuda</c> and <c>LibTorchSharp</c> by name;
/// the dynamic loader answers a by-name request with a library already in the process (it matches
/// sonames), so what is loaded here is what TorchSharp uses. Two libtorch builds in one process
/// abort it, which is why the build ships its CPU libtorch in <c>libtorch-cpu/</c> beside the program
/// and not in the program's own folder, where the by-name load would find it first.
/// Order of preference: <c>RESTEM_LIBTORCH</c> (a folder holding <c>libtorch_cuda.so</c> or
/// <c>libtorch_cpu.so</c>, or its <c>lib/</c>), then python3's PyTorch when it has CUDA, then the
/// build's own CPU copy.
/// </summary>
public static partial class LibTorch
{
    /// <summary>The environment variable naming the libtorch folder to use.</summary>
    public const string Variable = "RESTEM_LIBTORCH";

    /// <summary>The folder beside each program that holds the build's CPU libtorch.</summary>
    public const string CpuFolderName = "libtorch-cpu";

    private const string CudaLibrary = "libtorch_cuda.so";
    private const string CpuLibrary = "libtorch_cpu.so";

    private static readonly Lazy<LibTorchChoice> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The build's own CPU libtorch folder: <c>libtorch-cpu/</c> beside the program.</summary>
    public static string BuildCopy => Path.Combine(AppContext.BaseDirectory, CpuFolderName);

    /// <summary>
    /// Chooses and loads the process's libtorch the first time it is called; later calls return the
    /// same answer. Never throws: a failure is a choice of kind <see cref="LibTorchKind.None"/> (or a
    /// CPU fallback) whose <see cref="LibTorchChoice.Problem"/> says what went wrong.
    /// </summary>
    public static LibTorchChoice EnsureLoaded() => Loaded.Value;

    /// <summary>
    /// The choice itself, without touching the machine: <paramref name="variable"/> is the value of
    /// <c>RESTEM_LIBTORCH</c>, <paramref name="pythonTorchLib"/> python3's <c>torch/lib</c> folder (null
    /// when there is none, <paramref name="pythonWhy"/> then says why), <paramref name="cpuFolder"/> the
    /// build's CPU copy; <paramref name="fileExists"/> and <paramref name="folderExists"/> look at the disk.
    /// </summary>
    public static LibTorchChoice Choose(string? variable, string? pythonTorchLib, string pythonWhy, string cpuFolder, Func<string, bool> fileExists, Func<string, bool> folderExists)
    {
        LibTorchChoice Own(string why, string? problem) => fileExists(Path.Combine(cpuFolder, CpuLibrary))
            ? new LibTorchChoice(LibTorchKind.Cpu, cpuFolder, why, problem)
            : new LibTorchChoice(LibTorchKind.None, null,
                $"{why}; this build has no {CpuFolderName}/{CpuLibrary} either (a CUDA bundle: set {Variable} to a libtorch folder or install PyTorch)",
                problem ?? $"no libtorch: {Variable} is not set, python3 has no CUDA PyTorch and {cpuFolder} holds no {CpuLibrary}");

        if (!string.IsNullOrWhiteSpace(variable))
        {
            var dir = variable.Trim();
            if (!folderExists(dir))
                return Own($"the build's own copy, because {Variable}={dir}: no such folder", $"{Variable}={dir}: no such folder");
            string[] candidates = [dir, Path.Combine(dir, "lib")];
            foreach (var candidate in candidates)
                if (fileExists(Path.Combine(candidate, CudaLibrary))) return new LibTorchChoice(LibTorchKind.Cuda, candidate, $"{Variable}={dir}");
            foreach (var candidate in candidates)
                if (fileExists(Path.Combine(candidate, CpuLibrary))) return new LibTorchChoice(LibTorchKind.Cpu, candidate, $"{Variable}={dir}, which has no {CudaLibrary}");
            return Own($"the build's own copy, because {Variable}={dir} holds no libtorch",
                $"{Variable}={dir}: neither {CudaLibrary} nor {CpuLibrary} in it or in its lib/ folder");
        }

        if (pythonTorchLib is not null && fileExists(Path.Combine(pythonTorchLib, CudaLibrary)))
            return new LibTorchChoice(LibTorchKind.Cuda, pythonTorchLib, $"python3's PyTorch; {Variable} is not set");
        var python = pythonTorchLib is null ? pythonWhy : $"python3's PyTorch at {pythonTorchLib} is a CPU build (no {CudaLibrary})";
        return Own($"the build's own copy: {Variable} is not set and {python}", null);
    }

    /// <summary>
    /// The version of the libtorch in <paramref name="folder"/>: PyTorch's <c>torch/version.py</c>, or
    /// the <c>build-version</c> file of a libtorch archive (which the build writes into its own copy too).
    /// </summary>
    public static string? VersionOf(string folder)
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(folder)) ?? folder;
        var versionPy = Path.Combine(parent, "version.py");
        if (File.Exists(versionPy) && VersionLine().Match(File.ReadAllText(versionPy)) is { Success: true } match)
            return match.Groups[1].Value;
        foreach (var buildVersion in new[] { Path.Combine(folder, "build-version"), Path.Combine(parent, "build-version") })
            if (File.Exists(buildVersion)) return File.ReadAllText(buildVersion).Trim();
        return null;
    }

    private static LibTorchChoice Load()
    {
        CpuThreading.SetWaitPolicy();
        var variable = Environment.GetEnvironmentVariable(Variable);
        // The device line names the folder as the loader opens it, whatever the working directory.
        if (!string.IsNullOrWhiteSpace(variable)) variable = Path.GetFullPath(variable.Trim());
        string? pythonLib = null;
        var pythonWhy = "";
        if (string.IsNullOrWhiteSpace(variable)) pythonLib = PythonTorchLib(out pythonWhy);
        var choice = Choose(variable, pythonLib, pythonWhy, BuildCopy, File.Exists, Directory.Exists);
        return Open(choice);
    }

    private static LibTorchChoice Open(LibTorchChoice choice)
    {
        if (choice.Kind == LibTorchKind.None || choice.Folder is null) return choice;
        var folder = choice.Folder;
        var first = Path.Combine(folder, choice.Kind == LibTorchKind.Cuda ? CudaLibrary : CpuLibrary);
        // The first library pulls in its own dependencies (libc10, libtorch_cpu, libgomp) from its
        // folder through its $ORIGIN run path, so either the whole set loads or none of it does.
        var error = TryLoad(first);
        if (error is not null && choice.Kind == LibTorchKind.Cuda && PreloadNvidiaLibraries(folder) > 0) error = TryLoad(first);
        if (error is not null)
        {
            var problem = $"{first} could not be loaded: {error}";
            if (choice.Kind == LibTorchKind.Cuda)
            {
                var fallback = Choose(null, null, "", BuildCopy, File.Exists, Directory.Exists);
                return Open(fallback with
                {
                    Why = $"the build's own copy, because {problem} (try LD_LIBRARY_PATH={folder} and the CUDA libraries' folders)",
                    Problem = problem,
                });
            }
            return new LibTorchChoice(LibTorchKind.None, null, choice.Why, problem);
        }
        // libLibTorchSharp.so needs libtorch.so by name too; it is not a dependency of the first one.
        var torch = Path.Combine(folder, "libtorch.so");
        if (File.Exists(torch) && TryLoad(torch) is { } torchError)
            return new LibTorchChoice(LibTorchKind.None, null, choice.Why, $"{torch} could not be loaded: {torchError}");
        return choice with { Version = VersionOf(folder) };
    }

    private static string? TryLoad(string path)
    {
        try
        {
            NativeLibrary.Load(path);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            // The runtime's message ends with the loader's own line (dlerror), the one that says what is missing.
            return e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? e.Message;
        }
    }

    /// <summary>
    /// A PyTorch wheel finds the CUDA runtime in the <c>nvidia/*/lib</c> folders of its site-packages.
    /// When the loader did not, they are loaded here by absolute path, in as many passes as the order of
    /// their own dependencies needs. Returns how many were loaded.
    /// </summary>
    private static int PreloadNvidiaLibraries(string torchLib)
    {
        var nvidia = Path.GetFullPath(Path.Combine(torchLib, "..", "..", "nvidia"));
        if (!Directory.Exists(nvidia)) return 0;
        var pending = Directory.EnumerateDirectories(nvidia, "lib", SearchOption.AllDirectories)
            .SelectMany(lib => Directory.EnumerateFiles(lib, "*.so*"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var loaded = 0;
        for (var progress = true; progress && pending.Count > 0;)
        {
            progress = false;
            foreach (var library in pending.ToList())
            {
                if (!NativeLibrary.TryLoad(library, out _)) continue;
                pending.Remove(library);
                loaded++;
                progress = true;
            }
        }
        return loaded;
    }

    /// <summary>python3's <c>torch/lib</c> folder, found without importing torch (which takes seconds); null with the reason when there is none.</summary>
    private static string? PythonTorchLib(out string why)
    {
        try
        {
            var start = new ProcessStartInfo("python3", ["-c", "import importlib.util as u;s=u.find_spec('torch');print(s.submodule_search_locations[0] if s else '')"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null)
            {
                why = "python3 could not be started";
                return null;
            }
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                why = "python3 did not answer in 30 s";
                return null;
            }
            _ = errors.Result;
            var torch = output.Result.Trim();
            if (process.ExitCode != 0 || torch.Length == 0)
            {
                why = "python3 has no torch module";
                return null;
            }
            why = "";
            return Path.Combine(torch, "lib");
        }
        catch (Win32Exception)
        {
            why = "python3 is not installed";
            return null;
        }
    }

    [GeneratedRegex("""__version__\s*=\s*['"]([^'"]+)['"]""")]
    private static partial Regex VersionLine();
}
