using System.Globalization;
using System.Text;

namespace ReSTEM.Core.Tasks.Code;

/// <summary>Writes the values of the built-in code task (ints, bools, strings, lists of ints) as Python literals.</summary>
internal static class PythonLiteral
{
    public static string Of(object value) => value switch
    {
        bool b => b ? "True" : "False",
        long n => n.ToString(CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        string s => Quote(s),
        IEnumerable<long> list => "[" + string.Join(", ", list.Select(n => n.ToString(CultureInfo.InvariantCulture))) + "]",
        _ => throw new ArgumentException($"no Python literal for {value.GetType().Name}", nameof(value)),
    };

    private static string Quote(string s)
    {
        var text = new StringBuilder("'");
        foreach (var c in s)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }
        return text.Append('\'').ToString();
    }
}
