using System.Globalization;

namespace ReSTEM.Sandbox;

/// <summary>
/// A process's children, descendants and zombie children, read from <c>/proc</c> (every thread
/// of a process may be a parent): how the tests, the soak benchmark and an operator check that
/// nothing a sandbox started outlives it unreaped.
/// </summary>
public static class ProcessTree
{
    /// <summary>The direct children of <paramref name="pid"/> (empty when it is gone or unreadable).</summary>
    public static List<int> Children(int pid)
    {
        var result = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                result.AddRange(File.ReadAllText(Path.Combine(task, "children"))
                    .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)));
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return result;
    }

    /// <summary>Every process below <paramref name="pid"/>, children first.</summary>
    public static List<int> Descendants(int pid)
    {
        var result = new List<int>();
        var queue = new Queue<int>(Children(pid));
        while (queue.TryDequeue(out var next))
        {
            result.Add(next);
            foreach (var child in Children(next))
            {
                queue.Enqueue(child);
            }
        }
        return result;
    }

    /// <summary>The children of <paramref name="pid"/> that are zombies: dead, not yet waited for.</summary>
    public static List<int> ZombieChildren(int pid) => Children(pid).Where(child => State(child) == 'Z').ToList();

    /// <summary>The state letter of a process (R, S, D, Z, ...), or '?' when it is gone.</summary>
    public static char State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0];
        }
        catch (IOException)
        {
            return '?';
        }
    }

    /// <summary>The command name of a process, or "" when it is gone.</summary>
    public static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
