using System.Text;
using ReSTEM.Core.Datasets;

namespace ReSTEM.Core.Tests.Datasets;

/// <summary>
/// Whatever bytes a JSONL file holds, reading it yields rows: readable records, or rows whose
/// error names the line and the field. Nothing is replaced silently and nothing throws later.
/// </summary>
public sealed class JsonlFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("restem-jsonl-").FullName;

    [Theory]
    [InlineData("""{"question": "q", "completion": "bad \ud800 end"}""", "\\ud800")]
    [InlineData("""{"question": "q", "completion": "bad \udc00"}""", "\\udc00")]
    [InlineData("""{"question": "q", "completion": "\ud83d\u0041"}""", "\\ud83d")]
    [InlineData("""{"question": "q", "completion": "ends high \uD83D"}""", "\\uD83D")]
    [InlineData("""{"question": "q", "completion": "\\ud800 escaped backslash is text, \udfff is not"}""", "\\udfff")]
    public void A_lone_surrogate_is_an_error_naming_the_line_and_the_field(string line, string escape)
    {
        var rows = Read(Lines("""{"question": "ok", "completion": "fine"}""", line));

        Assert.Null(rows[0].Error);
        var error = Assert.IsType<DatasetFormatException>(rows[1].Error);
        Assert.Equal(2, error.Number);
        Assert.Equal("completion", error.Field);
        Assert.Contains(escape, error.Problem);
        Assert.Contains("line 2, field 'completion'", error.Message);
        Assert.Empty(rows[1].Fields);
        Assert.Equal(line, rows[1].Text);
    }

    [Fact]
    public void A_lone_surrogate_deep_inside_a_field_names_the_field_and_the_position()
    {
        var rows = Read(Lines("""{"input_output": {"inputs": ["1", "2", "x\ud800"], "outputs": ["a", "b", "c"]}, "completion": "c"}"""));

        var error = Assert.IsType<DatasetFormatException>(rows[0].Error);
        Assert.Equal("input_output", error.Field);
        Assert.Contains("input_output.inputs[2]", error.Problem);
    }

    [Fact]
    public void A_lone_surrogate_in_a_field_name_names_that_name()
    {
        var rows = Read(Lines("""{"question": "q", "x\ud800": 1}"""));

        var error = Assert.IsType<DatasetFormatException>(rows[0].Error);
        Assert.Equal("x\\ud800", error.Field);
        Assert.Contains("field name", error.Problem);
    }

    [Fact]
    public void A_surrogate_pair_and_other_unicode_are_read_as_text()
    {
        var rows = Read(Lines("""{"completion": "\ud83d\ude00 \u00e9 é 中 😀"}"""));

        Assert.Null(rows[0].Error);
        Assert.Equal("😀 é é 中 😀", rows[0].Fields["completion"]!.GetValue<string>());
    }

    [Fact]
    public void NUL_is_a_character_like_any_other()
    {
        var rows = Read(Lines("""{"completion": "a\u0000b", "gold": "\u0000"}"""));

        Assert.Null(rows[0].Error);
        Assert.Equal("a\0b", rows[0].Fields["completion"]!.GetValue<string>());
        Assert.Equal("\0", rows[0].Fields["gold"]!.GetValue<string>());
    }

    [Fact]
    public void A_raw_NUL_byte_inside_a_string_is_not_JSON_and_names_the_field()
    {
        var rows = Read(Bytes("{\"question\": \"q\", \"completion\": \"a", [0x00], "b\"}\n"));

        var error = Assert.IsType<DatasetFormatException>(rows[0].Error);
        Assert.Equal(1, error.Number);
        Assert.Equal("completion", error.Field);
        Assert.Contains("not valid JSON", error.Problem);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, "0xFF")]
    [InlineData(new byte[] { 0xC0, 0x80 }, "0xC0")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "0xED")]
    [InlineData(new byte[] { 0xE4, 0xB8 }, "0xE4")]
    [InlineData(new byte[] { 0x80 }, "0x80")]
    public void Bytes_that_are_not_UTF8_are_an_error_naming_the_line_and_the_field_never_replaced(byte[] bad, string named)
    {
        const string before = "{\"question\": \"q\", \"completion\": \"x";
        var rows = Read(Bytes("{\"completion\": \"fine\"}\n" + before, bad, "y\"}\n{\"completion\": \"after\"}\n"));

        Assert.Equal(3, rows.Count);
        var error = Assert.IsType<DatasetFormatException>(rows[1].Error);
        Assert.Equal(2, error.Number);
        Assert.Equal("completion", error.Field);
        Assert.Contains("not UTF-8", error.Problem);
        Assert.Contains(named, error.Problem);
        Assert.Contains($"byte offset {before.Length} of the line", error.Problem);
        Assert.Equal("after", rows[2].Fields["completion"]!.GetValue<string>());
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_outside_a_string_name_the_line()
    {
        var rows = Read(Bytes("{\"reward\": ", [0xFF], "}\n"));

        var error = Assert.IsType<DatasetFormatException>(rows[0].Error);
        Assert.Equal(1, error.Number);
        Assert.Equal("reward", error.Field);
        Assert.Contains("not valid JSON", error.Problem);
    }

    [Fact]
    public void A_line_longer_than_the_bound_is_an_error_and_the_next_line_is_read()
    {
        var longLine = "{\"completion\": \"" + new string('x', 5000) + "\"}";
        var path = Write(Lines("""{"completion": "before"}""", longLine, """{"completion": "after"}"""));

        var rows = JsonlFile.Read(path, maxLineBytes: 1000).ToList();

        Assert.Equal(3, rows.Count);
        var error = Assert.IsType<DatasetFormatException>(rows[1].Error);
        Assert.Equal(2, error.Number);
        Assert.Contains("longer than 1000 bytes", error.Problem);
        Assert.Null(rows[1].Text);
        Assert.Equal("after", rows[2].Fields["completion"]!.GetValue<string>());
        Assert.Equal(3, rows[2].Number);
    }

    [Fact]
    public void A_line_that_spans_many_read_buffers_is_read_whole()
    {
        var text = new string('y', 300_000);
        var rows = Read(Lines($$"""{"completion": "{{text}}"}""", """{"completion": "next"}"""));

        Assert.Equal(text, rows[0].Fields["completion"]!.GetValue<string>());
        Assert.Equal("next", rows[1].Fields["completion"]!.GetValue<string>());
    }

    [Fact]
    public void A_field_named_twice_is_an_error_naming_the_line()
    {
        var rows = Read(Lines("""{"completion": "a", "completion": "b"}"""));

        var error = Assert.IsType<DatasetFormatException>(rows[0].Error);
        Assert.Equal(1, error.Number);
        Assert.Contains("'completion'", error.Problem);
    }

    [Fact]
    public void A_byte_order_mark_CRLF_endings_and_blank_lines_are_read_as_before()
    {
        var rows = Read(Bytes("", [0xEF, 0xBB, 0xBF], "{\"a\": \"1\"}\r\n\r\n  \n{\"a\": \"4\"}\r\n{\"a\": \"5\"}"));

        Assert.Equal([1L, 4L, 5L], rows.Select(r => r.Number));
        Assert.All(rows, r => Assert.Null(r.Error));
        Assert.Equal(["1", "4", "5"], rows.Select(r => r.Fields["a"]!.GetValue<string>()));
    }

    [Fact]
    public void A_line_that_is_not_an_object_keeps_its_text()
    {
        var rows = Read(Lines("[1, 2]", "{not json"));

        Assert.All(rows, r => Assert.NotNull(r.Error));
        Assert.Equal(["[1, 2]", "{not json"], rows.Select(r => r.Text));
    }

    [Fact]
    public void APPS_input_output_held_as_a_string_is_parsed_as_strictly()
    {
        // input_output is JSON inside a JSON string: the lone surrogate is escaped twice.
        var rows = Read(Lines("""{"question": "q", "input_output": "{\"inputs\": [\"1\\ud800\"], \"outputs\": [\"1\"]}"}"""));
        Assert.Null(rows[0].Error);

        var error = Assert.Throws<DatasetFormatException>(() => ProblemReaders.Read("apps", new Fields(rows[0], "apps.jsonl")));
        Assert.Equal("input_output", error.Field);
        Assert.Contains("\\ud800", error.Problem);
        Assert.Contains("inputs[0]", error.Problem);
    }

    private List<DataRow> Read(byte[] content) => JsonlFile.Read(Write(content)).ToList();

    private string Write(byte[] content)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllBytes(path, content);
        return path;
    }

    private static byte[] Lines(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");

    private static byte[] Bytes(string before, byte[] raw, string after) => [.. Encoding.UTF8.GetBytes(before), .. raw, .. Encoding.UTF8.GetBytes(after)];

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
