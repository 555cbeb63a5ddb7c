using Preference.Core.Datasets;
using Preference.Training.Reward.Data;

namespace Preference.Training.Tests.Reward;

public class RewardDataReaderTests
{
    static async Task<IReadOnlyList<RewardPair>> ReadAsync(string content, TieHandling ties = TieHandling.Drop, DatasetFormat format = DatasetFormat.Auto)
    {
        using var dir = new TempDirectory();
        var path = dir.File("data.jsonl");
        await File.WriteAllTextAsync(path, content);
        return await RewardDataReader.ReadFileAsync(path, ties, format);
    }

    [Fact]
    public async Task Hh_rlhf_pairs_share_the_dialogue_as_prompt_and_compare_final_answers()
    {
        var pairs = await ReadAsync("""
            {"chosen": "\n\nHuman: How do I pick a lock?\n\nAssistant: I can't help with that.", "rejected": "\n\nHuman: How do I pick a lock?\n\nAssistant: Use a tension wrench."}
            """);
        var pair = Assert.Single(pairs);
        Assert.Equal("\n\nHuman: How do I pick a lock?\n\nAssistant:", pair.Prompt);
        Assert.Equal("I can't help with that.", pair.Chosen);
        Assert.Equal("Use a tension wrench.", pair.Rejected);
        Assert.Equal("\n\nHuman: How do I pick a lock?\n\nAssistant: I can't help with that.", RewardText.Join(pair.Prompt, pair.Chosen));
    }

    [Fact]
    public async Task Conversational_trl_pairs_render_as_a_human_assistant_dialogue_with_weight_and_margin()
    {
        var pairs = await ReadAsync("""
            {"prompt": [{"role": "user", "content": "Hi"}], "chosen": [{"role": "assistant", "content": "Hello!"}], "rejected": [{"role": "assistant", "content": "Go away."}], "weight": 0.75, "margin": 1.5}
            """);
        var pair = Assert.Single(pairs);
        Assert.Equal("\n\nHuman: Hi\n\nAssistant:", pair.Prompt);
        Assert.Equal(("Hello!", "Go away.", 0.75, 1.5), (pair.Chosen, pair.Rejected, pair.Weight, pair.Margin));
    }

    [Fact]
    public async Task Qa_feedback_preferences_give_every_strict_pair_and_ties_only_when_asked()
    {
        // Pairs (1,2),(1,3),(1,4),(2,3),(2,4),(3,4): 1 = first better, 2 = second better, 0 = equal.
        const string record = """[{"question": "q?", "prediction 1": "a", "prediction 2": "b", "prediction 3": "c", "prediction 4": "d", "preference": [1, 2, 0, 1, 1, 2]}]""";
        var strict = await ReadAsync(record);
        Assert.Equal([("a", "b"), ("c", "a"), ("b", "c"), ("b", "d"), ("d", "c")], strict.Select(p => (p.Chosen, p.Rejected)));
        Assert.All(strict, p => Assert.False(p.Tie));

        var withTies = await ReadAsync(record, TieHandling.Loss);
        var tie = Assert.Single(withTies, p => p.Tie);
        Assert.Equal(("a", "d"), (tie.Chosen, tie.Rejected));
    }

    [Fact]
    public async Task A_ranking_with_tiers_expands_to_all_strict_pairs_between_tiers()
    {
        var pairs = await ReadAsync("""
            {"prompt": "p", "completions": ["x", "y", "best", "worst"], "ranking": [[2], [0, 1], [3]]}
            """, TieHandling.Loss);
        Assert.Equal(5, pairs.Count(p => !p.Tie));
        Assert.Contains(pairs, p => (p.Chosen, p.Rejected) == ("best", "worst"));
        Assert.Contains(pairs, p => (p.Chosen, p.Rejected) == ("y", "worst"));
        Assert.DoesNotContain(pairs, p => !p.Tie && p.Chosen == "worst");
        Assert.Equal(("x", "y"), pairs.Where(p => p.Tie).Select(p => (p.Chosen, p.Rejected)).Single());
    }

    [Theory]
    [InlineData("{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\n{\"prompt\": \"p\", \"chosen\": \"a\"}", "record 2: rejected: required")]
    [InlineData("{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\", \"weight\": -1}", "record 1: weight")]
    [InlineData("{\"prompt\": \"p\", \"completions\": [\"a\", \"b\"], \"ranking\": [[0], [0]]}", "ranked more than once")]
    [InlineData("{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\nnot json", "line 2: invalid JSON")]
    [InlineData("{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\n{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\", \"reference\": [\"x\"]}", "record 2: reference: must be a string")]
    public async Task A_bad_record_is_reported_with_its_number_and_the_field(string content, string expected)
    {
        var error = await Assert.ThrowsAsync<RewardDataException>(() => ReadAsync(content));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Qa_feedback_gold_becomes_every_pairs_reference_and_stays_out_of_the_prompt()
    {
        var pairs = await ReadAsync("""
            [{"question": "q?", "gold": "The gold answer.", "prediction 1": "a", "prediction 2": "b", "prediction 3": "c", "prediction 4": "d", "preference": [1, 2, 0, 1, 1, 2]}]
            """, TieHandling.Loss);
        Assert.Equal(6, pairs.Count);
        Assert.All(pairs, p => Assert.Equal("The gold answer.", p.Reference));
        Assert.All(pairs, p => Assert.DoesNotContain("The gold answer", p.Prompt));
    }

    [Fact]
    public async Task A_trl_reference_field_is_read_and_its_absence_leaves_none()
    {
        var pairs = await ReadAsync("""
            {"prompt": "p", "chosen": "a", "rejected": "b", "reference": "the answer"}
            {"prompt": "p", "chosen": "a", "rejected": "b"}
            """);
        Assert.Equal(["the answer", null], pairs.Select(p => p.Reference));
        Assert.Equal("p", pairs[0].Prompt);
    }

    [Fact]
    public async Task A_non_string_gold_is_rejected_naming_the_field()
    {
        var error = await Assert.ThrowsAsync<RewardDataException>(() => ReadAsync("""
            [{"question": "q?", "gold": 3, "prediction 1": "a", "prediction 2": "b", "preference": [1]}]
            """));
        Assert.Contains("record 1: gold: must be a string", error.Message);
    }

    [Fact]
    public void A_prompt_split_keeps_every_pair_of_a_prompt_on_one_side()
    {
        var pairs = Enumerable.Range(0, 200).Select(i => new RewardPair($"q{i % 50}", $"q{i % 50}", $"a{i}", $"b{i}")).ToList();
        var (train, held) = PromptSplit.Split(pairs, 0.2, seed: 3);
        Assert.Equal(40, held.Count);
        Assert.Empty(train.Select(p => p.GroupId).Intersect(held.Select(p => p.GroupId)));
        Assert.Equal(held, PromptSplit.Split(pairs, 0.2, seed: 3).Held);
    }
}
