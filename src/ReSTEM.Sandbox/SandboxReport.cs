using System.Text;

namespace ReSTEM.Sandbox;

/// <summary>What the probe of this machine found: how programs will be isolated and which protections are in force.</summary>
public sealed record SandboxReport
{
    /// <summary>Every protection, active or not, in a stable order.</summary>
    public required IReadOnlyList<SandboxProtection> Protections { get; init; }

    /// <summary>The cgroup interface in use (<c>v1</c>, <c>v2</c> or <c>none</c>).</summary>
    public required string CgroupVersion { get; init; }

    /// <summary>True when bubblewrap runs unprivileged in a user namespace; false when it runs as root and drops to the slot uid with setpriv.</summary>
    public required bool UserNamespace { get; init; }

    /// <summary>The protections that are off.</summary>
    public IEnumerable<SandboxProtection> Missing => Protections.Where(p => !p.Active);

    /// <summary>True when every protection is in force.</summary>
    public bool Complete => Protections.All(p => p.Active);

    /// <summary>One line per protection: <c>[on ] name: detail</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var p in Protections)
        {
            text.Append(p.Active ? "[on ] " : "[OFF] ").Append(p.Name).Append(": ").AppendLine(p.Detail);
        }
        return text.ToString();
    }
}
