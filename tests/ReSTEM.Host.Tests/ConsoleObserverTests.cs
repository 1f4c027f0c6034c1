using ReSTEM.Host.Console;
using ReSTEM.Storage.Runs;
using Spectre.Console;

namespace ReSTEM.Host.Tests;

/// <summary>The two run displays: plain lines for logs and pipes, a live Spectre region for terminals.</summary>
public sealed class ConsoleObserverTests
{
    private static readonly Dictionary<string, double> BaseMetrics = new() { ["pass@1"] = 0.25, ["pass@4"] = 0.5, ["pass@1/level-1"] = 0.3, ["val_pass@1"] = 0.2 };

    [Fact]
    public void The_plain_observer_writes_lines_without_any_escape_character()
    {
        var writer = new StringWriter();
        var observer = new ConsoleObserver(writer, TimeSpan.Zero);

        observer.PhaseStarted(1, "sampling", "E-step: 4 samples for each of 60 train problems");
        observer.Progress(1, "sampling", 30, 60, "120 samples, 12.5 % correct, 80.0 samples/s");
        observer.Progress(RunLayout.SftBaseline, "baseline", 0, 0, "step 3/10, loss 1.2");
        observer.IterationEvaluated(0, BaseMetrics);
        observer.Info("note");

        var text = writer.ToString();
        Assert.DoesNotContain('\u001b', text);
        Assert.Contains("[iter 1] sampling: E-step: 4 samples for each of 60 train problems", text);
        Assert.Contains("[iter 1] sampling: 30/60 (50%) 120 samples, 12.5 % correct, 80.0 samples/s", text);
        Assert.Contains("[sft baseline] baseline: step 3/10, loss 1.2", text);
        Assert.Contains("[iter 0] evaluated: pass@1 25.0%  pass@4 50.0%  val_pass@1 20.0%", text);
        Assert.Contains(" note", text);
        Assert.Equal(5, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task The_live_observer_shows_stages_status_results_and_messages_then_gives_the_terminal_back()
    {
        var writer = new StringWriter();
        var fallback = new StringWriter();
        var console = SpectreConsole(writer);
        var observer = new LiveConsoleObserver(console, runDir: null, fallback);
        using (observer)
        {
            observer.Info("new run tiny in runs/tiny");
            observer.PhaseStarted(0, "evaluating", "evaluating the base model");
            observer.Progress(0, "evaluating", 7, 20, "test greedy");
            observer.IterationEvaluated(0, BaseMetrics);
            observer.PhaseStarted(1, "sampling", "E-step: 4 samples for each of 60 train problems");
            observer.Progress(1, "sampling", 30, 60, "120 samples, 12.5 % correct, 80.0 samples/s");
            observer.Progress(1, "training", 0, 0, "step 5/20, loss 1.234, lr 0.001, 15000 tokens/s");
            observer.Progress(RunLayout.SftBaseline, "training", 0, 0, "step 2/8, loss 2.000");
            await Task.Delay(TimeSpan.FromSeconds(2.0 / LiveConsoleObserver.RefreshesPerSecond));
        }

        var text = writer.ToString();
        Assert.Contains('\u001b', text);
        Assert.Contains("new run tiny in runs/tiny", text);
        Assert.Contains("sampling", text);
        Assert.Contains("120 samples, 12.5 % correct, 80.0 samples/s", text);
        Assert.Contains("30/60", text);
        Assert.Contains("5/20", text);
        Assert.Contains("step 5/20, loss 1.234, lr 0.001, 15000 tokens/s", text);
        Assert.Contains("test greedy", text);
        Assert.Contains("[iter 0] evaluated: pass@1 25.0%", text);
        Assert.Contains(ResultsTable.BaseLabel, text);
        Assert.Contains("results (%)", text);
        // The last frame drawn: the SFT baseline's training has a row of its own beside iteration 1's.
        var last = text[text.LastIndexOf("running for", StringComparison.Ordinal)..];
        Assert.Contains("step 5/20, loss 1.234", last);
        Assert.Contains("step 2/8, loss 2.000", last);
        Assert.Contains("2/8", last);
        Assert.Contains("sft", last);
        // The region hides the cursor while live and shows it again when it stops.
        Assert.EndsWith("\u001b[?25h", text.TrimEnd());
        Assert.Equal("", fallback.ToString());

        // Once the region is gone, late notes are plain lines on the fallback writer.
        observer.Info("a late note");
        Assert.EndsWith(" a late note", fallback.ToString().TrimEnd());
        Assert.DoesNotContain('\u001b', fallback.ToString());
    }

    [Fact]
    public async Task The_live_observer_takes_calls_from_many_threads_at_once()
    {
        var writer = new StringWriter();
        using (var observer = new LiveConsoleObserver(SpectreConsole(writer), runDir: null, new StringWriter()))
        {
            var workers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
            {
                for (var i = 1; i <= 5_000; i++)
                {
                    observer.Progress(1, t % 2 == 0 ? "sampling" : "training", i, 5_000, $"worker {t} at {i}");
                    if (i % 1_000 == 0) observer.Info($"worker {t} passed {i}");
                }
            })).ToArray();
            await Task.WhenAll(workers);
            await Task.Delay(TimeSpan.FromSeconds(2.0 / LiveConsoleObserver.RefreshesPerSecond));
        }

        var text = writer.ToString();
        for (var t = 0; t < 4; t++) Assert.Contains($"worker {t} passed 5000", text);
        Assert.Contains("5000/5000", text);
        // Drawn a few times a second, not once per call: far fewer frames than the 20,000 calls.
        Assert.True(text.Length < 2_000_000, $"{text.Length} characters written");
    }

    private static IAnsiConsole SpectreConsole(StringWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = 200;
        return console;
    }
}
