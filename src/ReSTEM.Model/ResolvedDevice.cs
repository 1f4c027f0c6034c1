using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>The device and compute precision chosen for <see cref="DeviceOptions"/>, and why.</summary>
/// <param name="Device">The TorchSharp device.</param>
/// <param name="ComputeType">The precision activations and matrix products use (weights stay float32).</param>
/// <param name="Explanation">One line saying what was chosen and why (for logs and the console).</param>
public sealed record ResolvedDevice(Device Device, ScalarType ComputeType, string Explanation)
{
    /// <summary>True on a CUDA device.</summary>
    public bool IsCuda => Device.type == TorchSharp.DeviceType.CUDA;
}
