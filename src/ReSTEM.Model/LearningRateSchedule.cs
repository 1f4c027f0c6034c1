namespace ReSTEM.Model;

/// <summary>Linear warm-up from 0 to the peak, then cosine decay to min-ratio x peak at the last step.</summary>
/// <param name="Peak">Peak learning rate.</param>
/// <param name="MinRatio">Final learning rate as a fraction of the peak.</param>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
public sealed record LearningRateSchedule(double Peak, double MinRatio, int WarmupSteps, int TotalSteps)
{
    /// <summary>The learning rate of optimizer step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        var decaySteps = TotalSteps - WarmupSteps - 1;
        if (decaySteps <= 0) return Peak;
        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / decaySteps);
        var min = Peak * MinRatio;
        return min + (Peak - min) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
