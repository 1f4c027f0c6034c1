using System.Net;
using Akka.Configuration;
using ReSTEM.Actors.Hosting;

namespace ReSTEM.Host.Configuration;

/// <summary>Binds <c>restem.cluster</c> and hands the <c>akka</c> section of a configuration to the actor system.</summary>
public static class ClusterOptionsBinder
{
    /// <summary>The cluster options of <paramref name="document"/>.</summary>
    /// <exception cref="ConfigurationError">A key is out of range, a seed is not host:port, or TLS lacks its certificate.</exception>
    public static ClusterOptions Bind(HoconDocument document)
    {
        var c = new RunOptionsBinder.Reader(document.Effective, document.Source);
        var hostname = c.NonEmpty("restem.cluster.hostname");
        if (Uri.CheckHostName(hostname) == UriHostNameType.Unknown)
            throw new ConfigurationError($"restem.cluster.hostname = {hostname}: expected an address or host name (127.0.0.1 keeps the node on this machine)");
        var seeds = c.StringList("restem.cluster.seeds");
        foreach (var seed in seeds) CheckSeed(seed, "restem.cluster.seeds");
        var tls = new TlsOptions
        {
            Enabled = c.Bool("restem.cluster.tls.enabled"),
            CertificatePath = document.Effective.GetString("restem.cluster.tls.certificate-path") ?? "",
            CertificatePassword = document.Effective.GetString("restem.cluster.tls.certificate-password") ?? "",
        };
        if (tls.Enabled && !File.Exists(tls.CertificatePath))
            throw new ConfigurationError($"restem.cluster.tls.certificate-path = \"{tls.CertificatePath}\": TLS is enabled but the certificate (.pfx) file does not exist");
        return new ClusterOptions
        {
            Enabled = c.Bool("restem.cluster.enabled"),
            Hostname = hostname,
            Port = c.Int("restem.cluster.port", 0, IPEndPoint.MaxPort),
            Seeds = seeds,
            LocalVerifiers = c.Int("restem.cluster.local-verifiers", -1),
            Tls = tls,
        };
    }

    /// <summary>The <c>akka</c> section the user wrote (in the file or with --set), or null.</summary>
    public static Config? UserAkka(HoconDocument document)
    {
        var leaves = HoconDocument.Flatten(document.User).Where(kv => kv.Key.StartsWith("akka.", StringComparison.Ordinal)).ToList();
        return leaves.Count == 0 ? null : ConfigurationFactory.ParseString(string.Join("\n", leaves.Select(kv => $"{kv.Key} = {kv.Value}")));
    }

    /// <summary>Checks that <paramref name="seed"/> is <c>host:port</c>.</summary>
    /// <exception cref="ConfigurationError">It is not.</exception>
    public static string CheckSeed(string seed, string what)
    {
        var colon = seed.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(seed[(colon + 1)..], out var port) || port is < 1 or > IPEndPoint.MaxPort
            || Uri.CheckHostName(seed[..colon]) == UriHostNameType.Unknown)
            throw new ConfigurationError($"{what}: '{seed}' is not host:port (e.g. 127.0.0.1:4053)");
        return seed;
    }
}
