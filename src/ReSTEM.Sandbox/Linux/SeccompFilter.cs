using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// A classic-BPF seccomp filter, loaded by bubblewrap (<c>--seccomp</c>) just before the program
/// starts, that makes the kernel interfaces unit-test code never needs fail with EPERM: other
/// processes' memory (ptrace, process_vm_*), kernel extension points (bpf, perf_event_open,
/// io_uring, userfaultfd, modules, kexec, keyrings), mounts and namespaces, and clock or system
/// administration. Everything else is allowed; 32-bit and x32 entry points are refused
/// outright, so the numbers below cannot be sidestepped. x86-64 only: elsewhere the factory
/// reports the filter as off.
/// </summary>
internal static class SeccompFilter
{
    private const uint AuditArchX8664 = 0xC000003E;
    private const uint X32SyscallBit = 0x40000000;
    private const uint RetAllow = 0x7FFF0000;
    private const uint RetErrnoEperm = 0x00050000 | 1;
    private const ushort LdWAbs = 0x20;
    private const ushort JmpJeqK = 0x15;
    private const ushort JmpJgeK = 0x35;
    private const ushort RetK = 0x06;

    /// <summary>The refused system calls, by x86-64 number.</summary>
    internal static IReadOnlyDictionary<string, uint> Denied { get; } = new Dictionary<string, uint>
    {
        ["ptrace"] = 101, ["process_vm_readv"] = 310, ["process_vm_writev"] = 311,
        ["perf_event_open"] = 298, ["bpf"] = 321, ["userfaultfd"] = 323,
        ["io_uring_setup"] = 425, ["io_uring_enter"] = 426, ["io_uring_register"] = 427,
        ["add_key"] = 248, ["request_key"] = 249, ["keyctl"] = 250,
        ["kexec_load"] = 246, ["kexec_file_load"] = 320,
        ["init_module"] = 175, ["finit_module"] = 313, ["delete_module"] = 176,
        ["mount"] = 165, ["umount2"] = 166, ["pivot_root"] = 155, ["chroot"] = 161,
        ["open_tree"] = 428, ["move_mount"] = 429, ["fsopen"] = 430, ["fsconfig"] = 431, ["fsmount"] = 432, ["fspick"] = 433, ["mount_setattr"] = 442,
        ["unshare"] = 272, ["setns"] = 308,
        ["open_by_handle_at"] = 304, ["name_to_handle_at"] = 303,
        ["swapon"] = 167, ["swapoff"] = 168, ["reboot"] = 169, ["acct"] = 163, ["quotactl"] = 179,
        ["syslog"] = 103, ["lookup_dcookie"] = 212, ["fanotify_init"] = 300, ["vhangup"] = 153, ["personality"] = 135,
        ["settimeofday"] = 164, ["clock_settime"] = 227, ["adjtimex"] = 159, ["clock_adjtime"] = 305,
    };

    /// <summary>True where the filter is built for this machine's architecture.</summary>
    public static bool Supported => RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>The filter as the kernel's <c>struct sock_filter</c> array (8 bytes per instruction, little-endian).</summary>
    public static byte[] Build()
    {
        var numbers = Denied.Values.Distinct().Order().ToArray();
        var program = new List<(ushort Code, byte Jt, byte Jf, uint K)>();
        // Instruction indexes: 0 load arch, 1 check arch, 2 load nr, 3 x32 check, 4.. one per number, then allow, then deny.
        var deny = 4 + numbers.Length + 1;
        program.Add((LdWAbs, 0, 0, 4));
        program.Add((JmpJeqK, 0, Jump(1, deny), AuditArchX8664));
        program.Add((LdWAbs, 0, 0, 0));
        program.Add((JmpJgeK, Jump(3, deny), 0, X32SyscallBit));
        for (var i = 0; i < numbers.Length; i++)
        {
            program.Add((JmpJeqK, Jump(4 + i, deny), 0, numbers[i]));
        }
        program.Add((RetK, 0, 0, RetAllow));
        program.Add((RetK, 0, 0, RetErrnoEperm));
        var bytes = new byte[program.Count * 8];
        for (var i = 0; i < program.Count; i++)
        {
            var (code, jt, jf, k) = program[i];
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 8), code);
            bytes[i * 8 + 2] = jt;
            bytes[i * 8 + 3] = jf;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 8 + 4), k);
        }
        return bytes;
    }

    // BPF jumps count the instructions skipped after the jump itself.
    private static byte Jump(int from, int to) => checked((byte)(to - from - 1));
}
