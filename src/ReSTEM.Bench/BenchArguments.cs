using System.Globalization;

namespace ReSTEM.Bench;

/// <summary>The benchmarks' command-line options: <c>--name value</c> pairs.</summary>
internal static class BenchArguments
{
    /// <summary>The number after <paramref name="name"/>, or <paramref name="fallback"/> when the option is absent.</summary>
    public static double Number(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
