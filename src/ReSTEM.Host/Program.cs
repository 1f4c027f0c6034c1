namespace ReSTEM.Host;

/// <summary>The <c>restem</c> executable.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("restem: commands are being assembled; see README.md");
        return args.Length == 0 ? 1 : 1;
    }
}
