namespace ReSTEM.Core.Metrics;

/// <summary>
/// The unbiased pass@k estimator of Chen et al. (2021): with n samples of which c are correct,
/// pass@k = 1 - C(n-c, k) / C(n, k), computed as a product so it never overflows.
/// </summary>
public static class PassAtK
{
    /// <summary>The probability that at least one of k samples drawn without replacement from the n is correct.</summary>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 1, c outside [0, n], or k outside [1, n].</exception>
    public static double Estimate(int n, int c, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (c < 0 || c > n) throw new ArgumentOutOfRangeException(nameof(c), c, $"correct count must be in [0, {n}]");
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [1, {n}]");
        if (n - c < k) return 1.0;
        var allWrong = 1.0;
        for (var i = n - c + 1; i <= n; i++)
        {
            allWrong *= 1.0 - (double)k / i;
        }
        return 1.0 - allWrong;
    }

    /// <summary>The mean of <see cref="Estimate"/> over problems, skipping none: each item is (n, c) of one problem.</summary>
    public static double Mean(IEnumerable<(int N, int Correct)> problems, int k)
    {
        var sum = 0.0;
        var count = 0;
        foreach (var (n, c) in problems)
        {
            sum += Estimate(n, c, k);
            count++;
        }
        return count == 0 ? 0 : sum / count;
    }
}
