using System.Text.Json.Nodes;
using ReSTEM.Core.Datasets;
using ReSTEM.Core.Prompts;
using ReSTEM.Tests.Shared;

namespace ReSTEM.Core.Tests.Prompts;

/// <summary>
/// <see cref="ChatTemplates.Render"/> against the models' own chat templates rendered by Hugging Face's
/// JavaScript Jinja (@huggingface/jinja) in the same run: Qwen3's (from its real tokenizer_config.json),
/// Qwen2.5-Instruct's and Llama 3 Instruct's (Data/chat-templates), byte for byte.
/// </summary>
public sealed class ChatTemplateParityTests
{
    private const string Qwen3 = "qwen3";

    private static readonly string[] AwkwardContents =
    [
        "  leading spaces", "trailing spaces  ", "\n\nleading newlines", "trailing newlines\n\n", " \t both \r\n ",
        "\u00a0no-break spaces\u3000", "inner\n\n\nlines  and   spaces", "", " ", "unicode: 数字 😀 café",
        "<think>\nnot a reasoning block here\n", "a { brace } and {{ jinja }} and {% tag %}", "quote ' and \" and \\ backslash",
    ];

    public static TheoryData<string> Templates => new() { Qwen3, "qwen2.5-instruct.jinja", "llama3-instruct.jinja" };

    [Fact]
    public void Detect_and_default_system_read_the_real_templates()
    {
        Assert.Equal(ChatFormat.ChatMl, ChatTemplates.Detect(TemplateText(Qwen3)));
        Assert.Null(ChatTemplates.DefaultSystem(TemplateText(Qwen3)));
        Assert.Equal(ChatFormat.ChatMl, ChatTemplates.Detect(TemplateText("qwen2.5-instruct.jinja")));
        Assert.Equal("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.", ChatTemplates.DefaultSystem(TemplateText("qwen2.5-instruct.jinja")));
        Assert.Equal(ChatFormat.Llama3, ChatTemplates.Detect(TemplateText("llama3-instruct.jinja")));
        Assert.Null(ChatTemplates.DefaultSystem(TemplateText("llama3-instruct.jinja")));
        Assert.Equal(ChatFormat.None, ChatTemplates.Detect(null));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Render_equals_the_jinja_reference(string template)
    {
        var text = TemplateText(template);
        var format = ChatTemplates.Detect(text);
        var defaultSystem = ChatTemplates.DefaultSystem(text);
        var conversations = Conversations();
        var cases = new JsonArray();
        var ours = new List<string>();
        foreach (var (messages, addGenerationPrompt) in conversations)
        {
            cases.Add(new JsonObject
            {
                ["template"] = template == Qwen3 ? Qwen3 : text,
                ["messages"] = new JsonArray([.. messages.Select(m => new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
                ["add_generation_prompt"] = addGenerationPrompt,
                ["bos_token"] = format == ChatFormat.Llama3 ? ChatTemplates.Llama3BeginOfText : "",
            });
            ours.Add(ChatTemplates.Render(format, messages, addGenerationPrompt, defaultSystem));
        }
        var reference = ReferenceJs.Run("render.mjs", new JsonObject { ["cases"] = cases }, TimeSpan.FromMinutes(2));
        var expected = reference["rendered"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Equal(conversations.Count, expected.Count);
        Assert.All(expected, e => Assert.False(string.IsNullOrEmpty(e)));
        for (var i = 0; i < expected.Count; i++)
            Assert.True(expected[i] == ours[i], $"conversation {i} of {template}:\n--- jinja ---\n{expected[i]}\n--- ours ---\n{ours[i]}");
    }

    [Fact]
    public void Conversations_that_qwen3_and_qwen25_render_differently_are_refused()
    {
        var endsWithAssistant = new[] { new ChatMessage("user", "What is 2+2?"), new ChatMessage("assistant", "4") };
        var thinking = new[] { new ChatMessage("user", "Q"), new ChatMessage("assistant", "<think>\nr\n</think>\n\nA"), new ChatMessage("user", "Q2") };
        foreach (var messages in new[] { endsWithAssistant, thinking })
        {
            // The two templates really disagree on these, so ChatML alone cannot say which to write.
            var rendered = ReferenceJs.Run("render.mjs", new JsonObject
            {
                ["cases"] = new JsonArray([.. new[] { Qwen3, TemplateText("qwen2.5-instruct.jinja") }.Select(t => new JsonObject
                {
                    ["template"] = t,
                    ["messages"] = new JsonArray([.. messages.Select(m => new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
                    ["add_generation_prompt"] = false,
                })]),
            }, TimeSpan.FromMinutes(1))["rendered"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
            Assert.NotEqual(rendered[0], rendered[1][rendered[1].IndexOf("<|im_start|>user", StringComparison.Ordinal)..]);
            var e = Assert.Throws<ArgumentException>(() => ChatTemplates.Render(ChatFormat.ChatMl, messages, addGenerationPrompt: false));
            Assert.Contains("Qwen3", e.Message);
        }
        // Llama 3 has no such difference.
        Assert.EndsWith("4<|eot_id|>", ChatTemplates.Render(ChatFormat.Llama3, endsWithAssistant, addGenerationPrompt: false));
    }

    [Fact]
    public void Llama3_trims_whitespace_as_python_jinja_does()
    {
        // Hugging Face renders templates with Python's Jinja, whose trim is str.strip(): it removes
        // U+001C..U+001F and U+0085 too (JavaScript's trim keeps those, so the reference above cannot say).
        var rendered = ChatTemplates.Render(ChatFormat.Llama3, [new("user", "\u001c\u0085 x y \u001f\u3000")], addGenerationPrompt: false);
        Assert.Equal("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nx y<|eot_id|>", rendered);
    }

    // User only, system + user, and few-shot (user/assistant pairs, then the question), on real GSM8K
    // problems and on contents with whitespace at either end; with and without the generation prompt.
    private static List<(IReadOnlyList<ChatMessage> Messages, bool AddGenerationPrompt)> Conversations()
    {
        var rows = JsonlFile.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gsm8k-test.jsonl")).Take(40)
            .Select(r => (Question: r.Fields["question"]!.GetValue<string>(), Answer: r.Fields["answer"]!.GetValue<string>())).ToList();
        Assert.Equal(40, rows.Count);
        const string system = "You are a careful math tutor. Solve the problem step by step and end with '#### <answer>'.";
        var result = new List<(IReadOnlyList<ChatMessage>, bool)>();
        for (var i = 0; i < 30; i++)
        {
            var q = rows[i].Question;
            result.Add(([new("user", q)], true));
            result.Add(([new("system", system), new("user", q)], true));
            var shots = Enumerable.Range(30, 1 + i % 8).Select(k => rows[k % rows.Count])
                .SelectMany(r => new ChatMessage[] { new("user", r.Question), new("assistant", r.Answer) });
            result.Add(([.. shots, new("user", q)], true));
            result.Add(([new("system", system), .. shots, new("user", q)], i % 2 == 0));
        }
        for (var i = 0; i < AwkwardContents.Length; i++)
        {
            var c = AwkwardContents[i];
            var other = AwkwardContents[(i + 1) % AwkwardContents.Length];
            result.Add(([new("user", c)], true));
            result.Add(([new("system", c), new("user", other)], true));
            result.Add(([new("system", other), new("user", c), new("assistant", other), new("user", c)], true));
            result.Add(([new("user", c), new("assistant", c), new("system", other), new("user", other)], false));
        }
        return result;
    }

    private static string TemplateText(string template) => template == Qwen3
        ? JsonNode.Parse(File.ReadAllText(Path.Combine(ReferenceJs.Qwen3TokenizerDir, "tokenizer_config.json")))!["chat_template"]!.GetValue<string>()
        : File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "chat-templates", template));
}
