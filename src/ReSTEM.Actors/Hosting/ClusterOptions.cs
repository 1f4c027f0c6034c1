namespace ReSTEM.Actors.Hosting;

/// <summary>
/// <c>restem.cluster</c>: whether the run's actor system joins an Akka.Cluster so verifier nodes
/// (<c>restem worker</c>) can take verification jobs. Off by default: one process holds every
/// role and nothing is reachable from the network.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>The node roles.</summary>
    public static class Roles
    {
        /// <summary>Feeder, filter, writer, barrier: the run's coordinator.</summary>
        public const string Coordinator = "coordinator";

        /// <summary>Draws samples (a model replica).</summary>
        public const string Sampler = "sampler";

        /// <summary>Runs the M-step.</summary>
        public const string Trainer = "trainer";

        /// <summary>Verifies completions (CPU).</summary>
        public const string Verifier = "verifier";
    }

    /// <summary><c>enabled</c>: join a cluster (the run's process seeds it unless <see cref="Seeds"/> names others).</summary>
    public bool Enabled { get; init; }

    /// <summary><c>hostname</c>: the address remoting binds to; loopback unless configured.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary><c>port</c>: the port remoting binds to (0: any free port; a verifier node must know the run's).</summary>
    public int Port { get; init; }

    /// <summary><c>seeds</c>: <c>host:port</c> of the nodes to join; empty: this node starts the cluster.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary><c>local-verifiers</c>: verifier workers in the run's own process (-1: <c>restem.verification.parallelism</c>; 0: only remote ones).</summary>
    public int LocalVerifiers { get; init; } = -1;

    /// <summary><c>tls</c>: TLS for Akka.Remote.</summary>
    public TlsOptions Tls { get; init; } = new();

    /// <summary>The actor system's name on every node (part of every node's address).</summary>
    public const string SystemName = "restem";
}

/// <summary><c>restem.cluster.tls</c>: TLS between nodes; every node must present the same certificate.</summary>
public sealed record TlsOptions
{
    /// <summary><c>enabled</c>: encrypt and authenticate remoting with TLS.</summary>
    public bool Enabled { get; init; }

    /// <summary><c>certificate-path</c>: a PKCS#12 (.pfx) file with the certificate and its private key.</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary><c>certificate-password</c>: the password of the .pfx file (empty: none).</summary>
    public string CertificatePassword { get; init; } = "";
}
