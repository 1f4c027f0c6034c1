namespace ReSTEM.Model;

/// <summary>
/// Llama 3's RoPE frequency scaling (HF <c>rope_type: "llama3"</c>): long wavelengths are slowed by
/// <see cref="Factor"/>, short ones kept, the band between interpolated smoothly.
/// </summary>
/// <param name="Factor">Slow-down of the low frequencies.</param>
/// <param name="LowFreqFactor">Wavelengths above original context / this are fully scaled.</param>
/// <param name="HighFreqFactor">Wavelengths below original context / this are kept.</param>
/// <param name="OriginalMaxPositionEmbeddings">Context length the model was pre-trained with.</param>
public sealed record RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings)
{
    /// <summary>Applies the scaling to RoPE inverse frequencies.</summary>
    public double[] Apply(double[] inverseFrequencies)
    {
        var lowFreqWavelength = OriginalMaxPositionEmbeddings / LowFreqFactor;
        var highFreqWavelength = OriginalMaxPositionEmbeddings / HighFreqFactor;
        return inverseFrequencies.Select(f =>
        {
            var wavelength = 2 * Math.PI / f;
            if (wavelength < highFreqWavelength) return f;
            if (wavelength > lowFreqWavelength) return f / Factor;
            var smooth = (OriginalMaxPositionEmbeddings / wavelength - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
            return (1 - smooth) * f / Factor + smooth * f;
        }).ToArray();
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (!(Factor >= 1)) throw new ArgumentException($"rope_scaling.factor must be >= 1, got {Factor}");
        if (!(LowFreqFactor > 0) || !(HighFreqFactor > LowFreqFactor))
            throw new ArgumentException($"rope_scaling needs 0 < low_freq_factor < high_freq_factor, got {LowFreqFactor} and {HighFreqFactor}");
        if (OriginalMaxPositionEmbeddings < 1) throw new ArgumentException($"rope_scaling.original_max_position_embeddings must be >= 1, got {OriginalMaxPositionEmbeddings}");
    }
}
