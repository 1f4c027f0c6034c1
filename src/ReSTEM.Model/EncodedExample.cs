namespace ReSTEM.Model;

/// <summary>A training example as ids; ids from <paramref name="LossStart"/> on carry loss.</summary>
/// <param name="Ids">[BOS?] prompt completion [EOS], cut to the maximum length.</param>
/// <param name="LossStart">Index of the first id that carries loss (the first completion id).</param>
/// <param name="Weight">Loss weight (reward).</param>
/// <param name="Truncated">True when the example was cut.</param>
internal sealed record EncodedExample(int[] Ids, int LossStart, float Weight, bool Truncated)
{
    public int LossTokens => Math.Max(0, Ids.Length - LossStart);
}
