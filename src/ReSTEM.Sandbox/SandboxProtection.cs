namespace ReSTEM.Sandbox;

/// <summary>One protection of the sandbox and whether it is in force on this machine.</summary>
/// <param name="Name">What it protects, e.g. <c>memory limit</c>.</param>
/// <param name="Active">True when the protection is in force.</param>
/// <param name="Detail">How it is enforced, or why it is off.</param>
public sealed record SandboxProtection(string Name, bool Active, string Detail);
