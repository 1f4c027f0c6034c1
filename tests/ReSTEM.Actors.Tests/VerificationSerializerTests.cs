using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using ReSTEM.Actors.Verification;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Tests;

/// <summary>The wire format of the messages verifier nodes exchange with the dispatcher.</summary>
public sealed class VerificationSerializerTests : TestKit
{
    private static readonly Problem CodeProblem = new()
    {
        Id = "code-7", Question = "def f(x):", Answer = "42", Solution = "    return x", Difficulty = 3, Category = "lists",
        Tests = new CodeTests
        {
            Style = CodeTestStyle.StdinStdout, Test = "assert f(1) == 1", EntryPoint = "f", Setup = "import math",
            IoCases = [new IoCase("1\n", "1\n"), new IoCase("", "ünïcode ✓")], PrependQuestion = true,
        },
    };

    [Fact]
    public void Every_verification_message_round_trips_field_by_field()
    {
        var serializer = new VerificationSerializer((ExtendedActorSystem)Sys);

        var item = RoundTrip<WorkItem>(serializer, new WorkItem(12, CodeProblem, "print(1)"));
        var done = RoundTrip<WorkDone>(serializer, new WorkDone(12, new VerificationResult(Verdict.Timeout, "took 10 s", null), 10012.5f));

        Assert.Equal(12, item.JobId);
        Assert.Equal("print(1)", item.Completion);
        Assert.Equal(CodeProblem with { Tests = null }, item.Problem with { Tests = null });
        Assert.Equal(CodeProblem.Tests! with { IoCases = [] }, item.Problem.Tests! with { IoCases = [] });
        Assert.Equal(CodeProblem.Tests!.IoCases, item.Problem.Tests!.IoCases);
        Assert.Equal(new WorkDone(12, new VerificationResult(Verdict.Timeout, "took 10 s", null), 10012.5f), done);
        Assert.Equal(new RegisterWorker("task code, timeout 10 s"), RoundTrip<RegisterWorker>(serializer, new RegisterWorker("task code, timeout 10 s")));
        Assert.Equal(new WorkerRefused("other rules"), RoundTrip<WorkerRefused>(serializer, new WorkerRefused("other rules")));
        Assert.Same(RequestWork.Instance, RoundTrip<RequestWork>(serializer, RequestWork.Instance));
        Assert.Null(RoundTrip<WorkItem>(serializer, new WorkItem(1, new Problem { Id = "p", Question = "q" }, "")).Problem.Tests);
    }

    [Fact]
    public void The_serializer_knows_every_field_of_a_problem()
    {
        // A field added to Problem or CodeTests must be added to the wire format too, or a remote verifier would never see it.
        Assert.Equal(["Answer", "Category", "Difficulty", "Id", "Question", "Solution", "Tests"], typeof(Problem).GetProperties().Select(p => p.Name).Order());
        Assert.Equal(["EntryPoint", "IoCases", "PrependQuestion", "Setup", "Style", "Test"], typeof(CodeTests).GetProperties().Select(p => p.Name).Order());
    }

    [Fact]
    public void The_cluster_configuration_binds_the_messages_to_it()
    {
        using var system = ActorSystem.Create("bound", ReSTEM.Actors.Hosting.ReSTEMClusterExtensions.ClusterHocon);
        var serialization = system.Serialization;
        foreach (var message in new object[] { new RegisterWorker("x"), new WorkerRefused("y"), RequestWork.Instance, new WorkItem(1, CodeProblem, "x"), new WorkDone(1, VerificationResult.Pass(), 1) })
        {
            Assert.IsType<VerificationSerializer>(serialization.FindSerializerFor(message));
        }
    }

    private static T RoundTrip<T>(SerializerWithStringManifest serializer, T message)
        where T : notnull =>
        Assert.IsType<T>(serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message)));
}
