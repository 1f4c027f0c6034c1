using ReSTEM.Core.Tasks.Countdown;
using ReSTEM.Host.Commands;
using ReSTEM.Host.Configuration;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Tests;

public sealed class ResumeKeysTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "restem-resume-keys-" + Guid.NewGuid().ToString("N")[..10]);

    private static HoconDocument Document(params string[] sets) =>
        HoconDocument.Load(Path.Combine(ConfigurationTests.RepositoryRoot(), "hocon", "tiny.conf"), sets);

    private async Task OpenAsync(HoconDocument document)
    {
        var options = RunOptionsBinder.Bind(document);
        await RunStarter.OpenAsync(document, options, _dir, new CountdownTask(options.Tasks.Countdown), new QuietObserver(), CancellationToken.None);
    }

    [Fact]
    public async Task A_run_stored_before_a_key_existed_carries_on_when_the_key_is_at_its_default_and_not_when_it_is_changed()
    {
        await OpenAsync(Document());
        var store = new ManifestStore(new RunLayout(_dir));
        var manifest = store.Load();
        Assert.True(manifest.ResumeKeys.ContainsKey("restem.prompt.chat"));
        // The run as an older service stored it: without the prompt keys.
        var older = manifest.ResumeKeys.Where(kv => !kv.Key.StartsWith("restem.prompt.", StringComparison.Ordinal)).ToDictionary();
        await store.SaveAsync(manifest with { ResumeKeys = older, ConfigHash = ManifestStore.HashKeys(older) });

        await OpenAsync(Document());
        var refused = await Assert.ThrowsAsync<ConfigurationError>(() => OpenAsync(Document("restem.prompt.max-tokens=64")));
        Assert.Contains("restem.prompt.max-tokens: 1024 -> 64", refused.Message);
    }


    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Nothing to remove.
        }
    }
}
