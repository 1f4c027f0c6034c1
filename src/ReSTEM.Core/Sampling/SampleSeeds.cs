using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ReSTEM.Core.Sampling;

/// <summary>
/// Derives the seed of every sample from the run's seed and the sample's coordinates, so a
/// sample drawn again after a crash, on another machine or in another batch is the same sample.
/// </summary>
public static class SampleSeeds
{
    /// <summary>The seed of sample <paramref name="sampleIndex"/> of <paramref name="problemId"/> in <paramref name="iteration"/>.</summary>
    public static long Derive(long runSeed, int iteration, string problemId, int sampleIndex, string purpose = "estep")
    {
        var text = $"{purpose}\u001f{runSeed}\u001f{iteration}\u001f{problemId}\u001f{sampleIndex}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        // Non-negative so that every consumer (TorchSharp generators included) takes it as is.
        return BinaryPrimitives.ReadInt64LittleEndian(hash) & long.MaxValue;
    }

    /// <summary>The K seeds of one problem's samples, indexes 0..K-1.</summary>
    public static IReadOnlyList<long> ForProblem(long runSeed, int iteration, string problemId, int samples, string purpose = "estep") =>
        Enumerable.Range(0, samples).Select(i => Derive(runSeed, iteration, problemId, i, purpose)).ToArray();
}
