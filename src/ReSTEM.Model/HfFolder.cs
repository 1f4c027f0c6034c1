namespace ReSTEM.Model;

/// <summary>The files of a Hugging Face model folder that a checkpoint keeps from the model it was trained from.</summary>
public static class HfFolder
{
    /// <summary>
    /// Files copied as they are from the base model's folder into every checkpoint trained from it,
    /// so the checkpoint loads in other tools like the base: the generation settings, the tokenizer's
    /// other forms and its chat template.
    /// </summary>
    public static IReadOnlyList<string> CompanionFiles { get; } =
    [
        "generation_config.json",
        "special_tokens_map.json",
        "added_tokens.json",
        "vocab.json",
        "merges.txt",
        "tokenizer.model",
        "chat_template.jinja",
        "chat_template.json",
    ];

    /// <summary>Copies the <see cref="CompanionFiles"/> that <paramref name="baseDir"/> has into <paramref name="checkpointDir"/>, replacing what is there; returns the names copied.</summary>
    public static IReadOnlyList<string> CopyCompanionFiles(string baseDir, string checkpointDir)
    {
        var copied = new List<string>();
        foreach (var name in CompanionFiles)
        {
            var source = Path.Combine(baseDir, name);
            if (!File.Exists(source)) continue;
            File.Copy(source, Path.Combine(checkpointDir, name), overwrite: true);
            copied.Add(name);
        }
        return copied;
    }
}
