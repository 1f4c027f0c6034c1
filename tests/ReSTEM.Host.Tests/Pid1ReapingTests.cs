using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using ReSTEM.Sandbox;

namespace ReSTEM.Host.Tests;

/// <summary>
/// <c>restem</c> as PID 1 of its own PID namespace, as in a container without an init: nobody
/// else reaps what its sandboxes leave, so it must. Grading candidates that time out, fork-bomb,
/// crash and kill their judge, no zombie of it lives on.
/// </summary>
public sealed class Pid1ReapingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("restem-pid1-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Restem_as_pid_1_reaps_every_process_its_sandboxes_leave()
    {
        var unshare = new[] { "/usr/bin/unshare", "/bin/unshare" }.FirstOrDefault(File.Exists);
        Assert.True(unshare != null, "util-linux's unshare is needed for this test");
        var problem = HumanEvalProblem("HumanEval/0");
        var completions = new Dictionary<string, string>
        {
            ["correct"] = problem["canonical_solution"]!.GetValue<string>(),
            ["wrong"] = "    return True\n",
            ["loop"] = "    while True:\n        pass\n",
            ["sleep"] = "    import time\n    time.sleep(60)\n",
            ["bomb"] = "    import os\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n",
            ["kill-judge"] = "    import os\n    os.kill(os.getppid(), 9)\n",
            ["exit"] = "    import os\n    os._exit(152)\n",
        };
        var rows = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            foreach (var (name, completion) in completions)
            {
                var row = (JsonObject)problem.DeepClone();
                row["task_id"] = $"{name}/{i}";
                row["completion"] = completion;
                rows.Add(row.ToJsonString());
            }
        }
        var input = Path.Combine(_dir, "in.jsonl");
        File.WriteAllLines(input, rows);
        var output = Path.Combine(_dir, "out.jsonl");

        var info = new ProcessStartInfo(unshare) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--pid", "--fork", "--mount-proc", "--kill-child", RestemProcess.Executable(),
                     "grade", "--task", "humaneval", "--input", input, "--output", output, "--timeout", "3", "--parallel", "2", "--quiet" })
        {
            info.ArgumentList.Add(arg);
        }
        // Three seconds, not one: on a machine busy with other tests, starting Python, the judge
        // and the candidate alone can take a second of wall-clock time, which is a timeout by the rules.
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        // Watch restem's zombie children from outside for as long as it runs.
        var firstSeen = new Dictionary<int, long>();
        long oldest = 0;
        var restem = 0;
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(4))
        {
            if (restem == 0)
            {
                restem = ProcessTree.Children(process.Id).FirstOrDefault();
            }
            if (restem != 0)
            {
                var zombies = ProcessTree.Children(restem).Where(pid => ProcessTree.State(pid) == 'Z').ToHashSet();
                foreach (var pid in zombies)
                {
                    firstSeen.TryAdd(pid, clock.ElapsedMilliseconds);
                    oldest = Math.Max(oldest, clock.ElapsedMilliseconds - firstSeen[pid]);
                }
                foreach (var gone in firstSeen.Keys.Where(pid => !zombies.Contains(pid)).ToList())
                {
                    firstSeen.Remove(gone);
                }
            }
            await Task.Delay(20);
        }
        Assert.True(process.HasExited, "restem did not finish within 4 minutes");
        await process.WaitForExitAsync();
        var said = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {said}");
        Assert.NotEqual(0, restem);

        var graded = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(rows.Count, graded.Count);
        var verdicts = graded.GroupBy(r => r["task_id"]!.GetValue<string>().Split('/')[0])
            .ToDictionary(g => g.Key, g => g.Select(r => $"{r["verdict"]!.GetValue<string>()}").Distinct().Order().ToList());
        var seen = string.Join("; ", verdicts.Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value)}"));
        foreach (var (name, verdict) in new[] { ("correct", "passed"), ("wrong", "failed"), ("loop", "timeout"), ("sleep", "timeout"), ("kill-judge", "crash"), ("exit", "crash") })
        {
            Assert.True(verdicts[name].SequenceEqual([verdict]), $"every '{name}' row should be {verdict}; verdicts seen: {seen}");
        }
        // A fork bomb ends by whichever limit it meets first (time, processes, memory): never a pass.
        Assert.DoesNotContain("passed", verdicts["bomb"]);
        // A zombie may exist between a process's death and the reaper's next look; none may last.
        Assert.InRange(oldest, 0, 2000);
    }

    private static JsonObject HumanEvalProblem(string id)
    {
        var path = Path.Combine(ConfigurationTests.RepositoryRoot(), "tests", "ReSTEM.Sandbox.Tests", "Data", "HumanEval.jsonl.gz");
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            var row = JsonNode.Parse(line)!.AsObject();
            if (row["task_id"]!.GetValue<string>() == id)
            {
                return row;
            }
        }
        throw new InvalidOperationException(id + " is not in " + path);
    }
}
