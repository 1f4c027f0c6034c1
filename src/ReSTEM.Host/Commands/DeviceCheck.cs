using ReSTEM.Actors.Runs;
using ReSTEM.Core.Options;
using ReSTEM.Host.Configuration;
using ReSTEM.Model;

namespace ReSTEM.Host.Commands;

/// <summary>
/// The device a command's configuration asks for, resolved before the command writes anything: a
/// device that cannot be used (<c>cuda</c> without a usable CUDA libtorch, or no libtorch at all) is
/// a configuration error (exit 2) naming the key and the reason, not a failure halfway through.
/// </summary>
public static class DeviceCheck
{
    /// <summary>Resolves <c>restem.model.device</c> of <paramref name="options"/>; throws <see cref="ConfigurationError"/> with the reason when it cannot be used.</summary>
    public static ResolvedDevice Require(RunOptions options)
    {
        var device = RunContext.DeviceOf(options);
        try
        {
            return DeviceResolver.Resolve(device);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationError($"restem.model.device = {device.Device}: {e.Message}", e);
        }
    }
}
