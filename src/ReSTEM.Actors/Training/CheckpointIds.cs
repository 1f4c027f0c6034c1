namespace ReSTEM.Actors.Training;

/// <summary>Checkpoint identifiers: the iteration and the start of the weights' SHA-256, so equal ids mean equal weights.</summary>
public static class CheckpointIds
{
    /// <summary>The id of iteration <paramref name="iteration"/>'s weights with digest <paramref name="digest"/> (<c>sft-...</c> for the SFT baseline).</summary>
    public static string For(int iteration, string digest) =>
        $"{(iteration == ReSTEM.Storage.Runs.RunLayout.SftBaseline ? "sft" : $"iter-{iteration}")}-{digest[..Math.Min(12, digest.Length)]}";
}
