namespace ReSTEM.Core.Problems;

/// <summary>The three disjoint problem sets of a task.</summary>
public enum Split
{
    /// <summary>Problems the E-step samples and the M-step trains on.</summary>
    Train,

    /// <summary>Problems used to choose the M-step's checkpoint and to decide when to stop.</summary>
    Validation,

    /// <summary>Held-out problems for the reported metrics.</summary>
    Test,
}

/// <summary>Names of splits as they appear in files and configuration.</summary>
public static class SplitNames
{
    /// <summary>The lower-case name used in Parquet columns and file names: <c>train</c>, <c>val</c>, <c>test</c>.</summary>
    public static string ToName(this Split split) => split switch
    {
        Split.Train => "train",
        Split.Validation => "val",
        Split.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };
}
