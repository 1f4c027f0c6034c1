namespace ReSTEM.Model.Tests;

/// <summary>A fact that runs only where CUDA is usable, and says why it was skipped elsewhere.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!DeviceResolver.IsCudaAvailable(out var why)) Skip = $"no usable CUDA: {why}";
    }
}
