using ReSTEM.Host.Configuration;

namespace ReSTEM.Host.Tests;

/// <summary><c>restem.cluster</c> and the <c>akka</c> section of a run's configuration.</summary>
public sealed class ClusterOptionsTests
{
    [Fact]
    public void By_default_one_process_holds_every_role_and_binds_nothing_beyond_loopback()
    {
        var cluster = ClusterOptionsBinder.Bind(HoconDocument.FromText("", [], "test.conf"));

        Assert.False(cluster.Enabled);
        Assert.Equal("127.0.0.1", cluster.Hostname);
        Assert.Equal(0, cluster.Port);
        Assert.Empty(cluster.Seeds);
        Assert.Equal(-1, cluster.LocalVerifiers);
        Assert.False(cluster.Tls.Enabled);
    }

    [Fact]
    public void Akka_keys_of_the_file_and_of_set_reach_the_actor_system_and_are_stored_for_a_resume()
    {
        var document = HoconDocument.FromText("akka.loglevel = INFO\nrestem.cluster { enabled = true, port = 4053, seeds = [\"10.0.0.5:4053\"] }",
            ["akka.cluster.split-brain-resolver.stable-after=2s"], "test.conf");

        var akka = ClusterOptionsBinder.UserAkka(document);
        var cluster = ClusterOptionsBinder.Bind(document);

        Assert.NotNull(akka);
        Assert.Equal("INFO", akka.GetString("akka.loglevel"));
        Assert.Equal(TimeSpan.FromSeconds(2), akka.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.True(cluster.Enabled);
        Assert.Equal(4053, cluster.Port);
        Assert.Equal(["10.0.0.5:4053"], cluster.Seeds);
        var stored = HoconDocument.FromText(document.Render(), [], "run.json");
        Assert.Equal(TimeSpan.FromSeconds(2), ClusterOptionsBinder.UserAkka(stored)!.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Null(ClusterOptionsBinder.UserAkka(HoconDocument.FromText("", [], "test.conf")));
    }

    [Fact]
    public void Cluster_settings_may_change_when_a_run_is_carried_on()
    {
        var alone = ResumeKeys.From(HoconDocument.FromText("", [], "a.conf"));
        var clustered = ResumeKeys.From(HoconDocument.FromText("restem.cluster { enabled = true, port = 4053, local-verifiers = 0 }", [], "b.conf"));

        Assert.DoesNotContain(clustered.Keys, k => k.StartsWith("restem.cluster.", StringComparison.Ordinal));
        Assert.Equal(alone, clustered);
    }

    [Fact]
    public void A_seed_that_is_not_host_port_and_TLS_without_its_certificate_are_refused_naming_the_key()
    {
        var seed = Assert.Throws<ConfigurationError>(() => ClusterOptionsBinder.Bind(HoconDocument.FromText("restem.cluster.seeds = [\"node-a\"]", [], "test.conf")));
        var tls = Assert.Throws<ConfigurationError>(() => ClusterOptionsBinder.Bind(HoconDocument.FromText(
            "restem.cluster.tls { enabled = true, certificate-path = \"/nonexistent/restem.pfx\" }", [], "test.conf")));

        Assert.Contains("restem.cluster.seeds: 'node-a' is not host:port", seed.Message);
        Assert.Contains("restem.cluster.tls.certificate-path", tls.Message);
        Assert.Contains("does not exist", tls.Message);
    }
}
