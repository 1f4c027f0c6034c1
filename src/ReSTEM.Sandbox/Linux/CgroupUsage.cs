namespace ReSTEM.Sandbox.Linux;

/// <summary>What a slot's cgroup measured during one run.</summary>
/// <param name="OomKills">Processes the kernel killed for exceeding the memory limit.</param>
/// <param name="PeakMemoryBytes">Highest memory use, when measurable.</param>
/// <param name="Cpu">CPU time of all processes, when measurable.</param>
internal sealed record CgroupUsage(long OomKills, long? PeakMemoryBytes, TimeSpan? Cpu);
