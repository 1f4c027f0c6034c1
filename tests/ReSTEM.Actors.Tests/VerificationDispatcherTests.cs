using Akka.Actor;
using Akka.TestKit.Xunit2;
using ReSTEM.Actors.Verification;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Tests;

public sealed class VerificationDispatcherTests : TestKit
{
    private static readonly Problem Problem = new() { Id = "p1", Question = "q", Answer = "7" };

    [Fact]
    public void Dispatcher_should_hand_jobs_to_pulling_workers_and_answer_the_asker()
    {
        var dispatcher = Sys.ActorOf(VerificationDispatcher.Props());
        Sys.ActorOf(VerifierActor.Props(dispatcher, new ExactAnswerVerifier(), 0, TimeSpan.FromSeconds(5)));

        dispatcher.Tell(new Verify(Problem, "x\n#### 7"));
        dispatcher.Tell(new Verify(Problem, "x\n#### 8"));

        var first = ExpectMsg<Verified>();
        var second = ExpectMsg<Verified>();
        Assert.Equal(Verdict.Passed, first.Result.Verdict);
        Assert.Equal(Verdict.Failed, second.Result.Verdict);
    }

    [Fact]
    public void Dispatcher_should_requeue_the_job_of_a_worker_that_dies()
    {
        var dispatcher = Sys.ActorOf(VerificationDispatcher.Props());
        var doomed = CreateTestProbe();
        doomed.Send(dispatcher, new RegisterWorker(""));
        doomed.Send(dispatcher, RequestWork.Instance);

        dispatcher.Tell(new Verify(Problem, "#### 7"));
        doomed.ExpectMsg<WorkItem>();
        Watch(doomed.Ref);
        Sys.Stop(doomed.Ref);
        ExpectTerminated(doomed.Ref);

        // A healthy worker joins after the loss: it gets the job, and the asker its verdict.
        Sys.ActorOf(VerifierActor.Props(dispatcher, new ExactAnswerVerifier(), 0, TimeSpan.FromSeconds(5)));
        Assert.Equal(Verdict.Passed, ExpectMsg<Verified>().Result.Verdict);
        AwaitAssert(() =>
        {
            var status = dispatcher.Ask<DispatcherStatus>(GetDispatcherStatus.Instance).Result;
            Assert.Equal(1, status.Requeued);
            Assert.Equal(1, status.Completed);
        });
    }

    [Fact]
    public async Task A_late_result_for_a_job_given_to_another_worker_is_ignored_and_the_asker_is_answered_once()
    {
        var dispatcher = Sys.ActorOf(VerificationDispatcher.Props());
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        first.Send(dispatcher, new RegisterWorker(""));
        first.Send(dispatcher, RequestWork.Instance);
        dispatcher.Tell(new Verify(Problem, "#### 7"));
        var job = first.ExpectMsg<WorkItem>();

        // The first worker asks again while holding the job (it restarted): the job goes to the idle second one.
        second.Send(dispatcher, new RegisterWorker(""));
        second.Send(dispatcher, RequestWork.Instance);
        first.Send(dispatcher, RequestWork.Instance);
        Assert.Equal(job.JobId, second.ExpectMsg<WorkItem>().JobId);
        first.Send(dispatcher, new WorkDone(job.JobId, new VerificationResult(Verdict.Failed, "late", null), 1));
        second.Send(dispatcher, new WorkDone(job.JobId, VerificationResult.Pass("7"), 1));

        Assert.Equal(Verdict.Passed, ExpectMsg<Verified>().Result.Verdict);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var status = await dispatcher.Ask<DispatcherStatus>(GetDispatcherStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal(1, status.Completed);
        Assert.Equal(1, status.Requeued);
    }

    [Fact]
    public void A_worker_whose_verifier_is_not_the_runs_is_refused_and_never_gets_a_job()
    {
        var dispatcher = Sys.ActorOf(VerificationDispatcher.Props("task code, timeout 10 s, memory 512 MB"));
        var stranger = CreateTestProbe();
        stranger.Send(dispatcher, new RegisterWorker("task countdown, timeout 10 s, memory 512 MB"));
        Assert.Contains("start the verifier node with the run's configuration", stranger.ExpectMsg<WorkerRefused>().Reason);
        stranger.Send(dispatcher, RequestWork.Instance);

        dispatcher.Tell(new Verify(Problem, "#### 7"));

        stranger.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Sys.ActorOf(VerifierActor.Props(dispatcher, new ExactAnswerVerifier(), 0, TimeSpan.FromSeconds(5), "task code, timeout 10 s, memory 512 MB"));
        Assert.Equal(Verdict.Passed, ExpectMsg<Verified>().Result.Verdict);
    }

    [Fact]
    public void A_worker_whose_machinery_keeps_failing_reports_a_sandbox_error_after_its_retries()
    {
        var dispatcher = Sys.ActorOf(VerificationDispatcher.Props());
        var verifier = new ThrowingVerifier();
        Sys.ActorOf(VerifierActor.Props(dispatcher, verifier, 2, TimeSpan.FromSeconds(5)));

        dispatcher.Tell(new Verify(Problem, "#### 7"));

        var verified = ExpectMsg<Verified>();
        Assert.Equal(Verdict.SandboxError, verified.Result.Verdict);
        Assert.Contains("3 times", verified.Result.Reason);
        Assert.Equal(3, Volatile.Read(ref verifier.Calls));
    }

    private sealed class ThrowingVerifier : IVerifier
    {
        public int Calls;

        public ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            throw new IOException("sandbox slot unavailable");
        }
    }
}
