using System.Text.Json;

namespace ReSTEM.Core.Tests.Verification;

/// <summary>
/// Table cases whose expected values are what the public harnesses' own Python functions
/// return for the inputs (grade-school-math extract_answer; hendrycks math_equivalence and
/// last_boxed_only_string / remove_boxed as in lm-evaluation-harness; lm-eval minerva_math
/// normalize_final_answer and get_unnormalized_answer), recorded in Data/math_harness_cases.json.
/// A null expectation means the function returns None or raises.
/// </summary>
public static class HarnessCases
{
    private static readonly Lazy<JsonElement> s_root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "math_harness_cases.json"))).RootElement);

    public static TheoryData<string, string?> Pairs(string table, string input, string expected)
    {
        var data = new TheoryData<string, string?>();
        foreach (var row in s_root.Value.GetProperty(table).EnumerateArray())
        {
            data.Add(row.GetProperty(input).GetString()!, row.GetProperty(expected).GetString());
        }
        return data;
    }

    public static TheoryData<string, string, bool> Equivalences()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var row in s_root.Value.GetProperty("is_equiv").EnumerateArray())
        {
            data.Add(row.GetProperty("a").GetString()!, row.GetProperty("b").GetString()!, row.GetProperty("expected").GetBoolean());
        }
        return data;
    }

    public static TheoryData<string, string?, string?> Boxes()
    {
        var data = new TheoryData<string, string?, string?>();
        foreach (var row in s_root.Value.GetProperty("boxed").EnumerateArray())
        {
            data.Add(row.GetProperty("text").GetString()!, row.GetProperty("last").GetString(), row.GetProperty("content").GetString());
        }
        return data;
    }
}
