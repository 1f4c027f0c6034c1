using ReSTEM.Core.Options;
using ReSTEM.Host.Configuration;

namespace ReSTEM.Host.Tests;

public sealed class ConfigurationTests
{
    private static RunOptions Bind(string text, params string[] overrides) =>
        RunOptionsBinder.Bind(HoconDocument.FromText(text, overrides, "test.conf"));

    [Fact]
    public void The_reference_alone_binds_to_the_documented_defaults()
    {
        var options = Bind("");
        Assert.Equal("arithmetic", options.Task);
        Assert.Equal(8, options.Sampling.SamplesPerProblem);
        Assert.Equal(0.7, options.Sampling.Decoding.Temperature);
        Assert.Equal(40, options.Sampling.Decoding.TopK);
        Assert.Equal(10, options.Filter.MaxCorrectPerProblem);
        Assert.Equal(StartFrom.Base, options.Training.StartFrom);
        Assert.Equal([1, 4, 8], options.Evaluation.K);
        Assert.Equal(2, options.Verification.Retries);
        Assert.Equal(20, options.Verification.MaxConsecutiveSandboxErrors);
    }

    [Fact]
    public void File_values_and_overrides_apply_in_that_order()
    {
        var options = Bind("restem { iterations = 5, sampling.temperature = 0.5 }", "restem.iterations=2", "training.start-from=last", "sampling.top-p=0.9");
        Assert.Equal(2, options.Iterations);
        Assert.Equal(0.5, options.Sampling.Decoding.Temperature);
        Assert.Equal(0.9, options.Sampling.Decoding.TopP);
        Assert.Equal(StartFrom.Last, options.Training.StartFrom);
    }

    [Fact]
    public void An_unknown_key_is_refused_with_the_keys_that_exist_beside_it()
    {
        var error = Assert.Throws<ConfigurationError>(() => Bind("restem.sampling.temprature = 0.5"));
        Assert.Contains("restem.sampling.temprature", error.Message);
        Assert.Contains("temperature", error.Message);
    }

    [Theory]
    [InlineData("restem.sampling.temperature = hot", "restem.sampling.temperature")]
    [InlineData("restem.sampling.samples-per-problem = 0", "restem.sampling.samples-per-problem")]
    [InlineData("restem.sampling.top-p = 1.5", "restem.sampling.top-p")]
    [InlineData("restem.task = poetry", "restem.task")]
    [InlineData("restem.training.start-from = middle", "restem.training.start-from")]
    [InlineData("restem.evaluation.k = [1, 16]", "restem.evaluation.k")]
    [InlineData("restem.model.base = /no/such/model", "restem.model.base")]
    [InlineData("restem.filter.max-correct-per-problem = -1", "restem.filter.max-correct-per-problem")]
    [InlineData("restem.verification.max-consecutive-sandbox-errors = 0", "restem.verification.max-consecutive-sandbox-errors")]
    [InlineData("restem.model.builtin.heads = 3", "restem.model.builtin")]
    [InlineData("restem { iterations = ", "restem.iterations")]
    [InlineData("restem.sampling.stop = [\"\\n\\n\"]", "restem.sampling.stop")]
    public void Bad_values_are_refused_by_key(string text, string named)
    {
        var error = Assert.Throws<ConfigurationError>(() => Bind(text));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void A_malformed_override_is_refused()
    {
        var error = Assert.Throws<ConfigurationError>(() => Bind("", "iterations"));
        Assert.Contains("key=value", error.Message);
    }

    [Fact]
    public void The_rendered_configuration_binds_to_the_same_options()
    {
        var document = HoconDocument.FromText("restem { iterations = 4, sampling { stop = [\"\\nQ:\", \"Q:\"] } }", ["seed=9"], "test.conf");
        var again = HoconDocument.FromText(document.Render(), [], "rendered");
        Assert.Equal(document.EffectiveLeaves(), again.EffectiveLeaves());
        Assert.Equivalent(RunOptionsBinder.Bind(document), RunOptionsBinder.Bind(again), strict: true);
    }

    [Fact]
    public void Resume_keys_leave_out_speed_and_place_settings()
    {
        var keys = ResumeKeys.From(HoconDocument.FromText("", [], "test.conf"));
        Assert.Contains("restem.sampling.samples-per-problem", keys.Keys);
        Assert.Contains("restem.filter.max-correct-per-problem", keys.Keys);
        Assert.DoesNotContain("restem.iterations", keys.Keys);
        Assert.DoesNotContain("restem.verification.parallelism", keys.Keys);
        Assert.DoesNotContain("restem.model.device", keys.Keys);
    }

    [Fact]
    public void The_shipped_configurations_bind()
    {
        var repo = RepositoryRoot();
        foreach (var file in Directory.GetFiles(Path.Combine(repo, "hocon"), "*.conf"))
        {
            RunOptionsBinder.Bind(HoconDocument.Load(file, []));
        }
    }

    internal static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "ReSTEM.Actors.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("the repository root was not found above " + AppContext.BaseDirectory);
    }
}
