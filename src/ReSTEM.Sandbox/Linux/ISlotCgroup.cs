namespace ReSTEM.Sandbox.Linux;

/// <summary>The cgroup(s) of one sandbox slot: limits, membership, counters, and killing what is inside.</summary>
internal interface ISlotCgroup : IDisposable
{
    /// <summary>Moves a process (all its threads) into the slot; its later children are born inside.</summary>
    void Attach(int pid);

    /// <summary>Resets the counters at the start of a run.</summary>
    void BeginRun();

    /// <summary>Counters since <see cref="BeginRun"/>.</summary>
    CgroupUsage ReadUsage();

    /// <summary>Kills every process in the slot and waits until it is empty; false when it did not empty in time.</summary>
    bool KillAll(TimeSpan timeout);
}
