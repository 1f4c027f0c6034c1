namespace ReSTEM.Sandbox.Linux;

/// <summary>The cgroups of one sandbox instance, one per slot.</summary>
internal interface ICgroupTree : IDisposable
{
    /// <summary>What this tree enforces, for the protection report.</summary>
    IReadOnlyList<SandboxProtection> Protections { get; }

    /// <summary>Makes (or re-makes) the cgroup <paramref name="name"/> with the limits of the options.</summary>
    ISlotCgroup CreateSlot(string name);
}
