namespace ReSTEM.Sandbox.Linux;

/// <summary>The user a slot's programs run as.</summary>
/// <param name="Name">The account name (for starting bubblewrap as that user), or null to run as the service's own user.</param>
/// <param name="Uid">Its numeric uid.</param>
/// <param name="Gid">Its primary gid.</param>
internal sealed record SlotIdentity(string? Name, int Uid, int Gid)
{
    /// <summary>Looks a user up in /etc/passwd; null when absent.</summary>
    public static SlotIdentity? Find(string name, string passwdPath = "/etc/passwd")
    {
        if (!File.Exists(passwdPath))
        {
            return null;
        }
        foreach (var line in File.ReadLines(passwdPath))
        {
            var fields = line.Split(':');
            if (fields.Length >= 4 && fields[0] == name && int.TryParse(fields[2], out var uid) && int.TryParse(fields[3], out var gid))
            {
                return new SlotIdentity(name, uid, gid);
            }
        }
        return null;
    }
}
