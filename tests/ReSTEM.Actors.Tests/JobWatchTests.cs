using ReSTEM.Actors.Runs;

namespace ReSTEM.Actors.Tests;

/// <summary>The bounded supervision of a long job: no deadline on the result, but on silence and on lost results.</summary>
public sealed class JobWatchTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void A_running_job_is_waited_for_however_long_it_takes()
    {
        var watch = new JobWatch("trainer", 2, maxMisses: 2, maxAttempts: 2, Second);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(watch.Check(At(i)));
            Assert.Equal(JobAction.Wait, watch.Observe(new JobStatus(2)).Action);
        }
        Assert.Equal(1, watch.Attempts);
    }

    [Fact]
    public void A_lost_result_sends_the_job_again_a_bounded_number_of_times_then_fails_with_the_reason()
    {
        var watch = new JobWatch("trainer", 2, maxMisses: 3, maxAttempts: 3, Second);

        var first = watch.Observe(new JobStatus(null));
        var second = watch.Observe(new JobStatus(null));
        var third = watch.Observe(new JobStatus(null));

        Assert.Equal(JobAction.Resend, first.Action);
        Assert.Contains("sending the job again (attempt 2 of 3)", first.Reason);
        Assert.Equal(JobAction.Resend, second.Action);
        Assert.Equal(JobAction.Fail, third.Action);
        Assert.Equal("the result of the trainer's job for iteration 2 was lost 3 times", third.Reason);
    }

    [Fact]
    public void Unanswered_checks_fail_the_run_and_an_answer_resets_the_count()
    {
        var watch = new JobWatch("evaluator", 4, maxMisses: 3, maxAttempts: 3, Second);
        Assert.Null(watch.Check(At(1)));
        Assert.Null(watch.Check(At(2)));
        Assert.Equal(1, watch.Misses);
        watch.Observe(new JobStatus(4));
        Assert.Equal(0, watch.Misses);

        Assert.Null(watch.Check(At(3)));
        Assert.Null(watch.Check(At(4)));
        Assert.Null(watch.Check(At(5)));
        var failure = watch.Check(At(6));

        Assert.Equal("the evaluator has not answered 3 status checks in a row, 3 s, while running the job of iteration 4", failure);
    }

    [Fact]
    public void Checks_that_queued_up_while_the_owner_could_not_run_count_as_one()
    {
        var watch = new JobWatch("trainer", 1, maxMisses: 3, maxAttempts: 3, Second);
        Assert.Null(watch.Check(At(1)));

        // The owner was paused for 10 s: ten timer messages are taken at once, before the worker's answer behind them.
        for (var i = 0; i < 10; i++) Assert.Null(watch.Check(At(11 + i * 0.001)));
        Assert.Equal(1, watch.Misses);
        Assert.Equal(JobAction.Wait, watch.Observe(new JobStatus(1)).Action);
        Assert.Equal(0, watch.Misses);

        // Real silence still fails: one miss per interval that passes.
        Assert.Null(watch.Check(At(12)));
        Assert.Null(watch.Check(At(13)));
        Assert.Null(watch.Check(At(13.5)));
        Assert.Null(watch.Check(At(14)));
        Assert.Equal(2, watch.Misses);
        Assert.NotNull(watch.Check(At(15)));
    }

    [Fact]
    public void A_worker_busy_with_another_iteration_fails_the_run()
    {
        var watch = new JobWatch("trainer", 3, maxMisses: 3, maxAttempts: 3, Second);

        var verdict = watch.Observe(new JobStatus(2));

        Assert.Equal(JobAction.Fail, verdict.Action);
        Assert.Contains("runs the job of iteration 2 while the run waits for iteration 3", verdict.Reason);
    }
}
