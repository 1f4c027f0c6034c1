using System.Runtime.CompilerServices;
using ReSTEM.Model;

namespace ReSTEM.Tests.Shared;

/// <summary>
/// Loads the process's libtorch before any test runs: a test that calls TorchSharp directly, before
/// touching a model type, would otherwise find no libtorch (the build keeps it in libtorch-cpu/).
/// </summary>
internal static class LibTorchSetup
{
    [ModuleInitializer]
    internal static void Initialize() => DeviceResolver.ConfigureCpuRuntime();
}
