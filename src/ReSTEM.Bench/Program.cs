namespace ReSTEM.Bench;

/// <summary>Runs one named benchmark: <c>dotnet run -c Release --project src/ReSTEM.Bench -- NAME [args]</c>.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        var benches = BenchRegistry.All;
        if (args.Length == 0 || !benches.TryGetValue(args[0], out var bench))
        {
            Console.Error.WriteLine("usage: ReSTEM.Bench NAME [args]; NAME is one of: " + string.Join(", ", benches.Keys.Order()));
            return 2;
        }
        return bench(args[1..]);
    }
}
