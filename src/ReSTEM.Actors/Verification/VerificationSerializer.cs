using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Verification;

/// <summary>
/// The binary form of the messages a verifier on another node exchanges with the dispatcher:
/// <see cref="RegisterWorker"/>, <see cref="WorkerRefused"/>, <see cref="RequestWork"/>,
/// <see cref="WorkItem"/> and <see cref="WorkDone"/>. Field by field, with a manifest per type, so no object graph crosses
/// the wire and a field nobody wrote cannot appear on the other side.
/// </summary>
public sealed class VerificationSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's identifier in <c>akka.actor.serialization-identifiers</c>.</summary>
    public const int Id = 4711;

    private const string RegisterManifest = "R";
    private const string RequestManifest = "Q";
    private const string RefusedManifest = "X";
    private const string WorkManifest = "W";
    private const string DoneManifest = "D";

    /// <summary>Created by the actor system from <c>akka.actor.serializers</c>.</summary>
    public VerificationSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        RegisterWorker => RegisterManifest,
        WorkerRefused => RefusedManifest,
        RequestWork => RequestManifest,
        WorkItem => WorkManifest,
        WorkDone => DoneManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a verification message", nameof(o)),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case RequestWork:
                    break;
                case RegisterWorker register:
                    w.Write(register.Verifies);
                    break;
                case WorkerRefused refused:
                    w.Write(refused.Reason);
                    break;
                case WorkItem item:
                    w.Write(item.JobId);
                    WriteProblem(w, item.Problem);
                    w.Write(item.Completion);
                    break;
                case WorkDone done:
                    w.Write(done.JobId);
                    w.Write((int)done.Result.Verdict);
                    w.Write(done.Result.Reason);
                    WriteOptional(w, done.Result.ExtractedAnswer);
                    w.Write(done.VerifyMs);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not a verification message", nameof(obj));
            }
        }
        return buffer.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        return manifest switch
        {
            RegisterManifest => new RegisterWorker(r.ReadString()),
            RefusedManifest => new WorkerRefused(r.ReadString()),
            RequestManifest => RequestWork.Instance,
            WorkManifest => new WorkItem(r.ReadInt64(), ReadProblem(r), r.ReadString()),
            DoneManifest => new WorkDone(r.ReadInt64(), new VerificationResult(ReadVerdict(r), r.ReadString(), ReadOptional(r)), r.ReadSingle()),
            _ => throw new SerializationException($"unknown verification message manifest '{manifest}'"),
        };
    }

    private static Verdict ReadVerdict(BinaryReader r)
    {
        var value = r.ReadInt32();
        return Enum.IsDefined(typeof(Verdict), value) ? (Verdict)value : throw new SerializationException($"unknown verdict {value}");
    }

    private static void WriteProblem(BinaryWriter w, Problem p)
    {
        w.Write(p.Id);
        w.Write(p.Question);
        WriteOptional(w, p.Answer);
        WriteOptional(w, p.Solution);
        w.Write(p.Difficulty);
        WriteOptional(w, p.Category);
        w.Write(p.Tests is not null);
        if (p.Tests is not { } t) return;
        w.Write((int)t.Style);
        WriteOptional(w, t.Test);
        WriteOptional(w, t.EntryPoint);
        WriteOptional(w, t.Setup);
        w.Write(t.IoCases.Count);
        foreach (var c in t.IoCases)
        {
            w.Write(c.Input);
            w.Write(c.Output);
        }
        w.Write(t.PrependQuestion);
    }

    private static Problem ReadProblem(BinaryReader r)
    {
        var id = r.ReadString();
        var question = r.ReadString();
        var answer = ReadOptional(r);
        var solution = ReadOptional(r);
        var difficulty = r.ReadInt32();
        var category = ReadOptional(r);
        CodeTests? tests = null;
        if (r.ReadBoolean())
        {
            var style = (CodeTestStyle)r.ReadInt32();
            var test = ReadOptional(r);
            var entryPoint = ReadOptional(r);
            var setup = ReadOptional(r);
            var cases = new IoCase[r.ReadInt32()];
            for (var i = 0; i < cases.Length; i++) cases[i] = new IoCase(r.ReadString(), r.ReadString());
            tests = new CodeTests { Style = style, Test = test, EntryPoint = entryPoint, Setup = setup, IoCases = cases, PrependQuestion = r.ReadBoolean() };
        }
        return new Problem { Id = id, Question = question, Answer = answer, Solution = solution, Difficulty = difficulty, Category = category, Tests = tests };
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
