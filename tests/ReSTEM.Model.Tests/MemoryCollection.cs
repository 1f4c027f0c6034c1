namespace ReSTEM.Model.Tests;

/// <summary>Tests that count live tensors process-wide run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class MemoryCollection;
