using System.Text.Json;
using Preference.Core.Datasets;
using Preference.Core.Domain;

namespace Preference.Core.Tests.Datasets;

public class TrlPreferenceWriterTests
{
    private static readonly PreferencePair Pair = new(
        new Prompt { Id = "p", Text = "2+2?" },
        new Completion { Id = "a", PromptId = "p", Text = "4" },
        new Completion { Id = "b", PromptId = "p", Text = "5" },
        Agreement: 2.0 / 3, Votes: 3);

    private static async Task<JsonElement> WriteOneAsync(TrlExportStyle style)
    {
        var stream = new MemoryStream();
        int count = await TrlPreferenceWriter.WriteAsync(stream, new[] { Pair }.ToAsyncEnumerable(), style);
        Assert.Equal(1, count);
        var lines = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return JsonDocument.Parse(Assert.Single(lines)).RootElement;
    }

    [Fact]
    public async Task Standard_rows_hold_prompt_chosen_rejected_strings()
    {
        var row = await WriteOneAsync(TrlExportStyle.Standard);
        Assert.Equal("2+2?", row.GetProperty("prompt").GetString());
        Assert.Equal("4", row.GetProperty("chosen").GetString());
        Assert.Equal("5", row.GetProperty("rejected").GetString());
        Assert.Equal(0.6667, row.GetProperty("agreement").GetDouble());
    }

    [Fact]
    public async Task Conversational_rows_wrap_text_in_user_and_assistant_messages()
    {
        var row = await WriteOneAsync(TrlExportStyle.Conversational);
        var prompt = row.GetProperty("prompt")[0];
        Assert.Equal("user", prompt.GetProperty("role").GetString());
        Assert.Equal("assistant", row.GetProperty("chosen")[0].GetProperty("role").GetString());
        Assert.Equal("5", row.GetProperty("rejected")[0].GetProperty("content").GetString());
    }
}
