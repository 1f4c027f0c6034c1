using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ReSTEM.Model;

/// <summary>
/// The GPU's name and memory for the device line, read from the CUDA driver (<c>libcuda.so.1</c>):
/// TorchSharp 0.107 has no <c>get_device_name</c>. Every call is guarded: without the driver, or when
/// a call fails, the answer is null and the device line says the name is unknown.
/// </summary>
internal static class CudaDriver
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CuInit(uint flags);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CuDeviceGet(out int device, int ordinal);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CuDeviceGetName(byte[] name, int length, int device);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CuDeviceTotalMem(out nuint bytes, int device);

    /// <summary>"NVIDIA H200, 139.8 GiB" for CUDA device <paramref name="ordinal"/>, or null when the driver cannot say.</summary>
    public static string? Describe(int ordinal)
    {
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var driver)) return null;
        try
        {
            if (!NativeLibrary.TryGetExport(driver, "cuInit", out var init)
                || !NativeLibrary.TryGetExport(driver, "cuDeviceGet", out var get)
                || !NativeLibrary.TryGetExport(driver, "cuDeviceGetName", out var getName)
                || !NativeLibrary.TryGetExport(driver, "cuDeviceTotalMem_v2", out var totalMem))
                return null;
            if (Marshal.GetDelegateForFunctionPointer<CuInit>(init)(0) != 0) return null;
            if (Marshal.GetDelegateForFunctionPointer<CuDeviceGet>(get)(out var device, ordinal) != 0) return null;
            var buffer = new byte[256];
            if (Marshal.GetDelegateForFunctionPointer<CuDeviceGetName>(getName)(buffer, buffer.Length, device) != 0) return null;
            var end = Array.IndexOf(buffer, (byte)0);
            var name = Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
            if (Marshal.GetDelegateForFunctionPointer<CuDeviceTotalMem>(totalMem)(out var bytes, device) != 0) return name;
            return $"{name}, {((double)bytes / (1L << 30)).ToString("F1", CultureInfo.InvariantCulture)} GiB";
        }
        finally
        {
            NativeLibrary.Free(driver);
        }
    }
}
