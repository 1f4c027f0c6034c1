using ReSTEM.Actors.Runs;

namespace ReSTEM.Actors.Tests;

/// <summary>The bounded supervision of a long job: no deadline on the result, but on silence and on lost results.</summary>
public sealed class JobWatchTests
{
    [Fact]
    public void A_running_job_is_waited_for_however_long_it_takes()
    {
        var watch = new JobWatch("trainer", 2, maxMisses: 2, maxAttempts: 2);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(watch.Check());
            Assert.Equal(JobAction.Wait, watch.Observe(new JobStatus(2)).Action);
        }
        Assert.Equal(1, watch.Attempts);
    }

    [Fact]
    public void A_lost_result_sends_the_job_again_a_bounded_number_of_times_then_fails_with_the_reason()
    {
        var watch = new JobWatch("trainer", 2, maxMisses: 3, maxAttempts: 3);

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
        var watch = new JobWatch("evaluator", 4, maxMisses: 3, maxAttempts: 3);
        Assert.Null(watch.Check());
        Assert.Null(watch.Check());
        Assert.Equal(1, watch.Misses);
        watch.Observe(new JobStatus(4));
        Assert.Equal(0, watch.Misses);

        Assert.Null(watch.Check());
        Assert.Null(watch.Check());
        Assert.Null(watch.Check());
        var failure = watch.Check();

        Assert.Equal("the evaluator has not answered 3 status checks in a row while running the job of iteration 4", failure);
    }

    [Fact]
    public void A_worker_busy_with_another_iteration_fails_the_run()
    {
        var watch = new JobWatch("trainer", 3, maxMisses: 3, maxAttempts: 3);

        var verdict = watch.Observe(new JobStatus(2));

        Assert.Equal(JobAction.Fail, verdict.Action);
        Assert.Contains("runs the job of iteration 2 while the run waits for iteration 3", verdict.Reason);
    }
}
