using System.Text;
using Preference.Core.Datasets;

namespace Preference.Core.Tests.Datasets;

public class DatasetReaderTests
{
    private static async Task<List<DatasetRow>> ReadAsync(string text, DatasetFormat format = DatasetFormat.Auto)
    {
        var rows = new List<DatasetRow>();
        await foreach (var row in DatasetReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), format))
            rows.Add(row);
        return rows;
    }

    [Fact]
    public async Task Bad_lines_are_reported_with_their_line_numbers_and_good_lines_still_read()
    {
        var rows = await ReadAsync("""
            {"prompt": "a", "chosen": "x", "rejected": "y"}
            {"prompt": "b", "chosen": "x"

            {"prompt": "c", "chosen": "x"}
            """);
        Assert.Equal([1L, 2L, 4L], rows.Select(r => r.Line));
        Assert.True(rows[0].IsValid);
        Assert.StartsWith("invalid JSON", rows[1].Error);
        Assert.Equal("rejected: required", rows[2].Error);
    }

    [Fact]
    public async Task A_json_array_is_read_item_by_item()
    {
        var rows = await ReadAsync("""  [{"question": "q", "prediction 1": "a", "prediction 2": "b"}, {"question": 3}]""");
        Assert.Equal(2, rows.Count);
        Assert.True(rows[0].IsValid);
        Assert.Equal(2, rows[1].Line);
        Assert.Contains("question", rows[1].Error);
    }

    [Fact]
    public async Task Real_hh_rlhf_pairs_read_with_an_implicit_prompt()
    {
        var rows = await ReadFileAsync(TestData.Fixture("hh-rlhf-harmless", "dev-first40.jsonl"), DatasetFormat.Auto);
        Assert.Equal(40, rows.Count);
        Assert.All(rows, r => Assert.True(r.IsValid, r.Error));
        Assert.All(rows, r => Assert.EndsWith("Assistant:", r.Item!.PromptText));
    }

    [SharedDataFact]
    public async Task The_whole_hh_rlhf_dev_split_reads_every_pair_with_an_implicit_prompt()
    {
        var rows = await ReadFileAsync(TestData.Shared("data", "hh-rlhf-harmless", "dev.jsonl"), DatasetFormat.Auto);
        Assert.Equal(200, rows.Count);
        Assert.All(rows, r => Assert.True(r.IsValid, r.Error));
        Assert.All(rows, r => Assert.EndsWith("Assistant:", r.Item!.PromptText));
    }

    [Fact]
    public async Task Real_qa_feedback_questions_give_four_way_items()
    {
        var rows = await ReadFileAsync(TestData.Fixture("qa-feedback", "dev_feedback-first12.json"), DatasetFormat.QaFeedback);
        Assert.Equal(12, rows.Count);
        Assert.All(rows, r => Assert.Equal(4, r.Item!.Completions.Count));
    }

    [SharedDataFact]
    public async Task The_whole_qa_feedback_file_gives_500_four_way_items()
    {
        var rows = await ReadFileAsync(TestData.Shared("data", "qa-feedback", "dev_feedback.json"), DatasetFormat.QaFeedback);
        Assert.Equal(500, rows.Count);
        Assert.All(rows, r => Assert.Equal(4, r.Item!.Completions.Count));
    }

    private static async Task<List<DatasetRow>> ReadFileAsync(string path, DatasetFormat format)
    {
        await using var file = File.OpenRead(path);
        var rows = new List<DatasetRow>();
        await foreach (var row in DatasetReader.ReadAsync(file, format)) rows.Add(row);
        return rows;
    }
}
