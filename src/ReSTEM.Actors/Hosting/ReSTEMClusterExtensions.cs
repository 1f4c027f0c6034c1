using System.Security.Cryptography.X509Certificates;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;
using ReSTEM.Actors.Verification;
using ReSTEM.Core.Options;
using ReSTEM.Core.Verification;
using AkkaClusterOptions = Akka.Cluster.Hosting.ClusterOptions;

namespace ReSTEM.Actors.Hosting;

/// <summary>Akka.Hosting set-up of the cluster: remoting, membership, split-brain resolver, wire format, and a verifier node's actors.</summary>
public static class ReSTEMClusterExtensions
{
    /// <summary>
    /// Membership and wire format of every ReSTEM node. The split-brain resolver keeps the side
    /// that holds the majority of <c>coordinator</c> nodes: with one run coordinator, its side
    /// always stays and verifier nodes cut off from it down themselves (and join again when they
    /// can). The verification messages have their own binary serializer.
    /// </summary>
    public const string ClusterHocon = """
        akka {
          cluster {
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            split-brain-resolver {
              active-strategy = keep-majority
              keep-majority.role = coordinator
              stable-after = 5s
              down-all-when-unstable = on
            }
            run-coordinated-shutdown-when-down = on
          }
          actor {
            serializers.restem-verification = "ReSTEM.Actors.Verification.VerificationSerializer, ReSTEM.Actors"
            serialization-bindings {
              "ReSTEM.Actors.Verification.RegisterWorker, ReSTEM.Actors" = restem-verification
              "ReSTEM.Actors.Verification.WorkerRefused, ReSTEM.Actors" = restem-verification
              "ReSTEM.Actors.Verification.RequestWork, ReSTEM.Actors" = restem-verification
              "ReSTEM.Actors.Verification.WorkItem, ReSTEM.Actors" = restem-verification
              "ReSTEM.Actors.Verification.WorkDone, ReSTEM.Actors" = restem-verification
            }
          }
        }
        """;

    /// <summary>The <c>akka.*</c> keys of a run's configuration, which win over every setting made here.</summary>
    public static AkkaConfigurationBuilder WithUserAkkaConfig(this AkkaConfigurationBuilder builder, Config? akka) =>
        akka is null || akka.IsEmpty ? builder : builder.AddHocon(akka, HoconAddMode.Prepend);

    /// <summary>Joins the cluster of <paramref name="options"/> with <paramref name="roles"/>; nothing when clustering is off.</summary>
    public static AkkaConfigurationBuilder WithReSTEMCluster(this AkkaConfigurationBuilder builder, ClusterOptions options, IReadOnlyList<string> roles)
    {
        if (!options.Enabled) return builder;
        builder
            .AddHocon(ClusterHocon, HoconAddMode.Prepend)
            .WithRemoting(remote =>
            {
                remote.HostName = options.Hostname;
                remote.Port = options.Port;
                if (options.Tls.Enabled)
                {
                    // Every node presents the cluster's one certificate and accepts only a peer that
                    // presents the same one (pinned by thumbprint, both directions): a node without it
                    // cannot even open a connection, so it can neither join nor be given work.
                    var certificate = X509CertificateLoader.LoadPkcs12FromFile(
                        options.Tls.CertificatePath, options.Tls.CertificatePassword.Length == 0 ? null : options.Tls.CertificatePassword);
                    remote.EnableSsl = true;
                    remote.Ssl = new SslOptions
                    {
                        X509Certificate = certificate,
                        SuppressValidation = false,
                        RequireMutualAuthentication = true,
                        ValidateCertificateHostname = false,
                        CustomValidator = CertificateValidation.PinnedCertificate(certificate.Thumbprint),
                    };
                }
            })
            .WithClustering(new AkkaClusterOptions
            {
                Roles = roles.ToArray(),
                SeedNodes = options.Seeds.Select(s => $"akka{(options.Tls.Enabled ? ".ssl" : "")}.tcp://{ClusterOptions.SystemName}@{s}").ToArray(),
            });
        if (options.Seeds.Count == 0)
        {
            // No seed named: this node starts the cluster by joining itself.
            builder.AddStartup((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));
        }
        return builder;
    }

    /// <summary>
    /// A verifier node: <paramref name="parallelism"/> workers that pull jobs from the dispatcher
    /// of whichever run coordinator is in the cluster.
    /// </summary>
    public static AkkaConfigurationBuilder WithVerifierNode(this AkkaConfigurationBuilder builder, IVerifier verifier, VerificationOptions options, int parallelism, string verifies) =>
        builder
            .AddHocon(ReSTEMAkkaExtensions.BaseHocon, HoconAddMode.Prepend)
            .WithActors((system, registry) =>
            {
                var node = system.ActorOf(VerifierNode.Props(verifier, options, parallelism, verifies), "verifier-node");
                registry.Register<VerifierNode>(node);
            });
}
