namespace ReSTEM.Core.Options;

/// <summary>The files of a dataset task (<c>restem.data</c>).</summary>
public sealed record DataOptions
{
    /// <summary>The train split's file; empty for the built-in tasks.</summary>
    public string Train { get; init; } = "";

    /// <summary>The test split's file.</summary>
    public string Test { get; init; } = "";

    /// <summary>The validation split's file; null when it is a fraction of train (<see cref="ValidationFraction"/>).</summary>
    public string? Validation { get; init; }

    /// <summary>The share of train held out for validation (0 = none) when <see cref="Validation"/> is null.</summary>
    public double ValidationFraction { get; init; }
}
