using System.IO.Compression;
using System.Text.Json;
using ReSTEM.Core.Problems;

namespace ReSTEM.Sandbox.Tests;

/// <summary>The 164 HumanEval problems (Chen et al. 2021, MIT), read from the copy in Data/.</summary>
public static class HumanEvalData
{
    private static readonly Lazy<IReadOnlyList<Problem>> s_problems = new(Load);

    public static IReadOnlyList<Problem> Problems => s_problems.Value;

    private static IReadOnlyList<Problem> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "HumanEval.jsonl.gz");
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var problems = new List<Problem>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            var row = JsonDocument.Parse(line).RootElement;
            problems.Add(new Problem
            {
                Id = row.GetProperty("task_id").GetString()!,
                Question = row.GetProperty("prompt").GetString()!,
                Solution = row.GetProperty("canonical_solution").GetString()!,
                Tests = new CodeTests
                {
                    Style = CodeTestStyle.Function,
                    Test = row.GetProperty("test").GetString()!,
                    EntryPoint = row.GetProperty("entry_point").GetString()!,
                    PrependQuestion = true,
                },
            });
        }
        return problems;
    }
}
