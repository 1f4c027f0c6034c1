using System.Text;
using System.Text.RegularExpressions;

namespace ReSTEM.Core.Prompts;

/// <summary>The chat formats of the model families the service loads.</summary>
public enum ChatFormat
{
    /// <summary>No chat formatting: the prompt is raw text (base models).</summary>
    None,

    /// <summary>ChatML, as Qwen2, Qwen2.5 and Qwen3 write it: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c>.</summary>
    ChatMl,

    /// <summary>The Llama 3 header format: <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c>.</summary>
    Llama3,
}

/// <summary>One message of a conversation.</summary>
/// <param name="Role"><c>system</c>, <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">The message's text.</param>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// Renders conversations the way the models' own <c>chat_template</c> does for plain text
/// messages (no tools, no images), byte for byte, so a prompt built here tokenizes as the one a
/// user gets from the model's tokenizer.
/// </summary>
public static partial class ChatTemplates
{
    /// <summary>Llama 3's begin-of-text token, which its template writes in front of the first message.</summary>
    public const string Llama3BeginOfText = "<|begin_of_text|>";

    /// <summary>
    /// The format a tokenizer's <c>chat_template</c> (from <c>tokenizer_config.json</c>) writes:
    /// ChatML when it writes <c>&lt;|im_start|&gt;</c>, Llama 3 when it writes <c>&lt;|start_header_id|&gt;</c>,
    /// else <see cref="ChatFormat.None"/> (no template, or one of a family this class does not render).
    /// </summary>
    public static ChatFormat Detect(string? chatTemplate)
    {
        if (string.IsNullOrEmpty(chatTemplate)) return ChatFormat.None;
        if (chatTemplate.Contains("<|im_start|>", StringComparison.Ordinal)) return ChatFormat.ChatMl;
        if (chatTemplate.Contains("<|start_header_id|>", StringComparison.Ordinal)) return ChatFormat.Llama3;
        return ChatFormat.None;
    }

    /// <summary>
    /// The system message a ChatML template adds when the conversation has none (Qwen2 and Qwen2.5:
    /// "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."), read from the
    /// template's text; null when it adds none (Qwen3) or is not ChatML.
    /// </summary>
    public static string? DefaultSystem(string? chatTemplate)
    {
        if (chatTemplate is null) return null;
        var match = DefaultSystemPattern().Match(chatTemplate);
        return match.Success ? Regex.Unescape(match.Groups["text"].Value) : null;
    }

    /// <summary>
    /// Renders <paramref name="messages"/> in <paramref name="format"/>, ending with the header of the
    /// assistant's turn when <paramref name="addGenerationPrompt"/>. <paramref name="defaultSystem"/>
    /// is the system message a ChatML template adds when the first message is not a system message
    /// (see <see cref="DefaultSystem"/>).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// No messages; a role other than system, user and assistant; or, in ChatML, a conversation that
    /// Qwen3's template renders differently from Qwen2/2.5's (an assistant message holding
    /// <c>&lt;/think&gt;</c>, or one last after the last user message), which this format cannot tell apart.
    /// </exception>
    public static string Render(ChatFormat format, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string? defaultSystem = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) throw new ArgumentException("a conversation needs at least one message", nameof(messages));
        foreach (var m in messages)
        {
            if (m.Role is not ("system" or "user" or "assistant"))
                throw new ArgumentException($"role '{m.Role}' is not one of system, user, assistant", nameof(messages));
        }
        return format switch
        {
            ChatFormat.ChatMl => ChatMl(messages, addGenerationPrompt, defaultSystem),
            ChatFormat.Llama3 => Llama3(messages, addGenerationPrompt),
            ChatFormat.None => Plain(messages),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }

    private static string ChatMl(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string? defaultSystem)
    {
        RefuseWhereQwen3Differs(messages);
        var text = new StringBuilder();
        if (messages[0].Role != "system" && defaultSystem is not null)
            text.Append("<|im_start|>system\n").Append(defaultSystem).Append("<|im_end|>\n");
        foreach (var m in messages)
            text.Append("<|im_start|>").Append(m.Role).Append('\n').Append(m.Content).Append("<|im_end|>\n");
        if (addGenerationPrompt) text.Append("<|im_start|>assistant\n");
        return text.ToString();
    }

    // Qwen3's template reads reasoning out of assistant messages: it splits one holding </think> into
    // a reasoning block and an answer, and wraps the final assistant message after the last user
    // question in <think>...</think>. Qwen2/2.5 write both as they are. Neither happens in a prompt
    // that ends with the question, so such conversations are refused rather than rendered one way.
    private static void RefuseWhereQwen3Differs(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Any(m => m.Role == "assistant" && m.Content.Contains("</think>", StringComparison.Ordinal)))
            throw new ArgumentException("an assistant message holds </think>: Qwen3's chat template renders it differently from Qwen2/2.5's, so ChatML cannot render it exactly", nameof(messages));
        var lastQuestion = -1;
        for (var i = messages.Count - 1; i >= 0 && lastQuestion < 0; i--)
        {
            var c = messages[i].Content;
            // Qwen3's template does not count a user message that only carries a tool's response.
            if (messages[i].Role == "user" && !(c.StartsWith("<tool_response>", StringComparison.Ordinal) && c.EndsWith("</tool_response>", StringComparison.Ordinal)))
                lastQuestion = i;
        }
        if (messages[^1].Role == "assistant" && lastQuestion >= 0 && lastQuestion < messages.Count - 1)
            throw new ArgumentException("the conversation ends with an assistant message after the last user message: Qwen3's chat template renders it differently from Qwen2/2.5's, so ChatML cannot render it exactly", nameof(messages));
    }

    private static string Llama3(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        // The template trims each message ("message['content'] | trim") and puts the BOS text first.
        var text = new StringBuilder(Llama3BeginOfText);
        foreach (var m in messages)
            text.Append("<|start_header_id|>").Append(m.Role).Append("<|end_header_id|>\n\n").Append(m.Content.Trim(PythonWhitespace)).Append("<|eot_id|>");
        if (addGenerationPrompt) text.Append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        return text.ToString();
    }

    // Jinja's trim is Python's str.strip(), which also removes U+001C..U+001F; .NET's Trim() keeps them.
    private static readonly char[] PythonWhitespace =
    [
        '\t', '\n', '\v', '\f', '\r', '\u001c', '\u001d', '\u001e', '\u001f', ' ', '\u0085', '\u00a0', '\u1680',
        '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a',
        '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
    ];

    private static string Plain(IReadOnlyList<ChatMessage> messages) =>
        string.Join("\n\n", messages.Select(m => m.Content));

    // Qwen2/2.5 templates: {{- '<|im_start|>system\nYou are Qwen, ... assistant.<|im_end|>\n' }}
    [GeneratedRegex(@"'<\|im_start\|>system\\n(?<text>[^'{}]+?)<\|im_end\|>\\n'", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultSystemPattern();
}
