using Preference.Core.Datasets;
using Preference.Training.Reward.Data;

namespace Preference.Training.Tests.Reward;

public class QaPromptTests
{
    const string Record = """
        [{"question": "When was the mill built?",
          "passages": [["Old Mill", "Old Mill\n\nThe mill stands by the river.", "It was built in 1820."], ["Town", "The town grew."]],
          "prediction 1": "In 1820.", "prediction 2": "In 1950.", "preference": [1]}]
        """;

    [Fact]
    public void A_prompt_with_passages_parses_back_to_the_same_question_and_sentences()
    {
        var prompt = new QaPrompt("Who?", [new Passage("A", ["One.", "Two."]), new Passage("B", ["Three."])]);
        var parsed = QaPrompt.TryParse(prompt.Format());
        Assert.NotNull(parsed);
        Assert.Equal("Who?", parsed.Question);
        Assert.Equal(["A", "B"], parsed.Passages.Select(p => p.Title));
        Assert.Equal(["One.", "Two.", "Three."], parsed.Sentences);
    }

    [Fact]
    public void Any_other_prompt_is_not_a_qa_prompt()
    {
        Assert.Null(QaPrompt.TryParse("\n\nHuman: hi\n\nAssistant:"));
    }

    [Fact]
    public async Task Qa_feedback_pairs_read_the_passages_the_annotators_saw_and_split_by_question()
    {
        using var dir = new TempDirectory();
        var path = dir.File("qa.json");
        await File.WriteAllTextAsync(path, Record);

        var pair = Assert.Single(await RewardDataReader.ReadFileAsync(path, TieHandling.Drop));

        Assert.Equal("When was the mill built?", pair.GroupId);
        Assert.Equal("Question: When was the mill built?\n\nPassage: Old Mill\nThe mill stands by the river.\nIt was built in 1820." +
                     "\n\nPassage: Town\nThe town grew.\n\nAnswer:", pair.Prompt);
        Assert.Equal(("In 1820.", "In 1950."), (pair.Chosen, pair.Rejected));
    }

    [Fact]
    public async Task A_malformed_passage_is_refused_naming_the_record_and_field()
    {
        using var dir = new TempDirectory();
        var path = dir.File("qa.json");
        await File.WriteAllTextAsync(path, Record.Replace("""["Town", "The town grew."]""", "42"));

        var error = await Assert.ThrowsAsync<RewardDataException>(() => RewardDataReader.ReadFileAsync(path, TieHandling.Drop, DatasetFormat.QaFeedback));
        Assert.Contains("record 1", error.Message);
        Assert.Contains("passages[1]", error.Message);
    }
}
