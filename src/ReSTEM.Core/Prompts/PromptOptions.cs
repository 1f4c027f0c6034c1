namespace ReSTEM.Core.Prompts;

/// <summary>What happens to a problem whose prompt is longer than <see cref="PromptOptions.MaxTokens"/>.</summary>
public enum TooLongPrompt
{
    /// <summary>The problem is left out of its split; the run counts and reports every such problem.</summary>
    Skip,

    /// <summary>The run does not start; the message names the problem and its length.</summary>
    Error,
}

/// <summary>
/// How a dataset task shows a problem to the model (<c>restem.prompt</c>): a template around the
/// question, optional few-shot exemplars, chat formatting for instruct models, stop strings, and
/// the longest prompt allowed. Every value left empty takes the task's own default
/// (<see cref="PromptPresets"/>).
/// </summary>
public sealed record PromptOptions
{
    /// <summary>The text around the question, with <c>{question}</c> where it goes; null for the task's default.</summary>
    public string? Template { get; init; }

    /// <summary>How many exemplars go in front of the question; null for the task's default (8 for GSM8K, 4 for MATH, 0 otherwise).</summary>
    public int? Shots { get; init; }

    /// <summary>
    /// A JSONL file of exemplars (<c>question</c>, <c>answer</c>); null for the task's built-in set.
    /// Exemplars live in a file rather than in HOCON because the HOCON reader trims a quoted
    /// string's leading white space, and an answer's leading space is part of the prompt.
    /// </summary>
    public string? ExemplarsFile { get; init; }

    /// <summary>The text between exemplars, and between the last exemplar and the question (raw prompts).</summary>
    public string Separator { get; init; } = "\n\n";

    /// <summary>Stop strings; null for the task's default.</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Chat formatting: <c>none</c> (raw text, base models), <c>auto</c> (the base model's own <c>chat_template</c>), <c>chatml</c> or <c>llama3</c>.</summary>
    public string Chat { get; init; } = "none";

    /// <summary>The system message of chat prompts; null for the template's own default (Qwen2.5 has one, Qwen3 and Llama 3 none).</summary>
    public string? System { get; init; }

    /// <summary>The longest prompt in tokens of the model's tokenizer.</summary>
    public int MaxTokens { get; init; } = 1024;

    /// <summary>What happens to a problem whose prompt is longer than <see cref="MaxTokens"/>.</summary>
    public TooLongPrompt TooLong { get; init; } = TooLongPrompt.Skip;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (Template is not null && !Template.Contains(PromptBuilder.QuestionSlot, StringComparison.Ordinal))
            throw new ArgumentException($"template must contain {PromptBuilder.QuestionSlot}, got \"{Template}\"");
        if (Shots is < 0) throw new ArgumentException($"shots must be >= 0, got {Shots}");
        if (MaxTokens < 1) throw new ArgumentException($"max-tokens must be >= 1, got {MaxTokens}");
        if (Chat is not ("none" or "auto" or "chatml" or "llama3")) throw new ArgumentException($"chat must be none, auto, chatml or llama3, got '{Chat}'");
        if (Stop is not null && Stop.Any(s => s.Length == 0)) throw new ArgumentException("stop strings must not be empty");
    }
}

/// <summary>One worked example shown in front of the question.</summary>
/// <param name="Question">The exemplar's question, put into the template like a problem's.</param>
/// <param name="Answer">What the model should write after the template for it: the worked solution.</param>
public sealed record Exemplar(string Question, string Answer);
