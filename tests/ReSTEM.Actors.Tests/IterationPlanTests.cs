using ReSTEM.Actors.Iteration;
using ReSTEM.Core.Options;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Tests;

/// <summary>The run's next step, from its manifest alone.</summary>
public sealed class IterationPlanTests
{
    private static readonly RunManifest Empty = new() { RunId = "r", Task = "countdown", BaseModel = "builtin", ConfigHash = "h", ResumeKeys = new Dictionary<string, string>(), IterationsPlanned = 2 };

    [Fact]
    public void A_new_run_builds_its_base_model_or_takes_the_users_as_it_is()
    {
        Assert.IsType<PlanStep.BuildBase>(Plan().Next(Empty));
        Assert.IsType<PlanStep.TakeBase>(Plan(o => o with { Model = o.Model with { Base = "/models/qwen" } }).Next(Empty));
    }

    [Fact]
    public void Each_iteration_goes_sample_train_evaluate_in_turn_and_the_run_then_finishes()
    {
        var plan = Plan();
        var manifest = Empty.With(Record(0, IterationPhase.Evaluated, 0.1));

        Assert.Equal(new PlanStep.Sample(1), plan.Next(manifest));
        Assert.Equal(new PlanStep.Sample(1), plan.Next(manifest = manifest.With(Record(1, IterationPhase.Sampling))));
        var sealed1 = Record(1, IterationPhase.Sealed);
        Assert.Equal(new PlanStep.Train(1, sealed1), plan.Next(manifest = manifest.With(sealed1)));
        var trained1 = Record(1, IterationPhase.Trained);
        Assert.Equal(new PlanStep.Evaluate(1, trained1), plan.Next(manifest = manifest.With(trained1)));
        Assert.Equal(new PlanStep.Sample(2), plan.Next(manifest = manifest.With(Record(1, IterationPhase.Evaluated, 0.2))));
        Assert.IsType<PlanStep.Finish>(plan.Next(manifest.With(Record(2, IterationPhase.Evaluated, 0.3))));
    }

    [Fact]
    public void The_base_model_is_evaluated_before_anything_else_and_the_SFT_baseline_before_the_iterations()
    {
        var plan = Plan(o => o with { Baseline = BaselineKind.Sft });
        var trained0 = Record(0, IterationPhase.Trained);
        Assert.Equal(new PlanStep.Evaluate(0, trained0), plan.Next(Empty.With(trained0)));

        var manifest = Empty.With(Record(0, IterationPhase.Evaluated, 0.1));
        Assert.IsType<PlanStep.PrepareBaseline>(plan.Next(manifest));
        var sealedSft = Record(RunLayout.SftBaseline, IterationPhase.Sealed);
        Assert.Equal(new PlanStep.Train(RunLayout.SftBaseline, sealedSft), plan.Next(manifest = manifest.With(sealedSft)));
        var trainedSft = Record(RunLayout.SftBaseline, IterationPhase.Trained);
        Assert.Equal(new PlanStep.Evaluate(RunLayout.SftBaseline, trainedSft), plan.Next(manifest = manifest.With(trainedSft)));
        Assert.Equal(new PlanStep.Sample(1), plan.Next(manifest.With(Record(RunLayout.SftBaseline, IterationPhase.Evaluated, 0.5))));
    }

    [Fact]
    public void With_early_stop_a_run_ends_when_validation_pass_at_1_stops_improving_but_never_after_the_last_iteration()
    {
        var plan = Plan(o => o with { EarlyStop = true, Iterations = 3 });
        var manifest = Empty.With(Record(0, IterationPhase.Evaluated, 0.3));

        var step = plan.Next(manifest.With(Record(1, IterationPhase.Evaluated, 0.3)));
        Assert.Equal(new PlanStep.Sample(2), plan.Next(manifest.With(Record(1, IterationPhase.Evaluated, 0.4))));

        var stop = Assert.IsType<PlanStep.StopEarly>(step);
        Assert.Equal(1, stop.Iteration);
        Assert.Contains("did not improve", stop.Why);
        Assert.IsType<PlanStep.Finish>(Plan(o => o with { EarlyStop = true, Iterations = 1 }).Next(manifest.With(Record(1, IterationPhase.Evaluated, 0.1))));
    }

    private static IterationPlan Plan(Func<RunOptions, RunOptions>? change = null) =>
        new((change ?? (o => o))(TinyRun.Options(2)));

    private static IterationRecord Record(int iteration, IterationPhase phase, double? valPass1 = null) => new()
    {
        Iteration = iteration,
        Phase = phase,
        Metrics = valPass1 is { } v ? new Dictionary<string, double> { ["val_pass@1"] = v } : null,
    };
}
