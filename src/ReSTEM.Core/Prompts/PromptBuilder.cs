namespace ReSTEM.Core.Prompts;

/// <summary>
/// Writes the prompt of a question: the template with the question put in, after the few-shot
/// exemplars, as raw text or as a chat conversation (each exemplar a user turn and an assistant
/// turn, the question the last user turn, then the assistant's header).
/// </summary>
public sealed class PromptBuilder
{
    /// <summary>Where a template takes the question.</summary>
    public const string QuestionSlot = "{question}";

    private readonly string _prefix;

    /// <summary>Creates a builder; <paramref name="defaultSystem"/> is the chat template's own system message, used when <paramref name="system"/> is null.</summary>
    public PromptBuilder(string template, IReadOnlyList<Exemplar> exemplars, string separator, ChatFormat chat, string? system, string? defaultSystem)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(exemplars);
        if (!template.Contains(QuestionSlot, StringComparison.Ordinal)) throw new ArgumentException($"the template must contain {QuestionSlot}", nameof(template));
        Template = template;
        Exemplars = exemplars;
        Separator = separator;
        Chat = chat;
        System = system;
        DefaultSystem = defaultSystem;
        _prefix = string.Concat(exemplars.Select(e => Fill(e.Question) + e.Answer + separator));
    }

    /// <summary>The template.</summary>
    public string Template { get; }

    /// <summary>The exemplars shown, in order.</summary>
    public IReadOnlyList<Exemplar> Exemplars { get; }

    /// <summary>The text after each exemplar (raw prompts).</summary>
    public string Separator { get; }

    /// <summary>The chat format, or <see cref="ChatFormat.None"/> for raw text.</summary>
    public ChatFormat Chat { get; }

    /// <summary>The configured system message, if any.</summary>
    public string? System { get; }

    /// <summary>The chat template's own system message, if any.</summary>
    public string? DefaultSystem { get; }

    /// <summary>The prompt for <paramref name="question"/>.</summary>
    public string Build(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (Chat == ChatFormat.None) return _prefix + Fill(question);
        var messages = new List<ChatMessage>();
        if (System is not null) messages.Add(new ChatMessage("system", System));
        foreach (var e in Exemplars)
        {
            messages.Add(new ChatMessage("user", Fill(e.Question)));
            messages.Add(new ChatMessage("assistant", e.Answer.Trim()));
        }
        messages.Add(new ChatMessage("user", Fill(question)));
        return ChatTemplates.Render(Chat, messages, addGenerationPrompt: true, DefaultSystem);
    }

    private string Fill(string question) => Template.Replace(QuestionSlot, question, StringComparison.Ordinal);
}
