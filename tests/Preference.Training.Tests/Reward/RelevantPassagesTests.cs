using Preference.Training.Reward.Data;

namespace Preference.Training.Tests.Reward;

public class RelevantPassagesTests
{
    static readonly QaPrompt Prompt = new("Who built the bridge?",
    [
        new Passage("Town", ["The town has a market on Sundays.", "The bridge was built by Anna Berg in 1901."]),
        new Passage("Weather", ["Rain falls often in the valley.", "Winters are cold."]),
    ]);

    static int Words(string text) => text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length;

    [Fact]
    public void A_prompt_that_fits_is_kept_whole()
    {
        Assert.Equal(Prompt.Format(), RelevantPassages.Fit(Prompt, "Anna Berg built it.", budget: 1000, Words));
    }

    [Fact]
    public void A_tight_budget_keeps_the_question_and_the_sentence_the_answer_draws_on()
    {
        int budget = Words(Prompt.Format([new Passage("Town", ["The bridge was built by Anna Berg in 1901."])]));
        var fitted = RelevantPassages.Fit(Prompt, "Anna Berg built the bridge in 1901.", budget, Words);
        Assert.Equal("Question: Who built the bridge?\n\nPassage: Town\nThe bridge was built by Anna Berg in 1901.\n\nAnswer:", fitted);
    }

    [Fact]
    public void Kept_sentences_stay_in_passage_order()
    {
        int budget = Words(Prompt.Format()) - Words("\nWinters are cold.");
        var parsed = QaPrompt.TryParse(RelevantPassages.Fit(Prompt, "The bridge, the market and the rain.", budget, Words))!;
        Assert.Equal(["The town has a market on Sundays.", "The bridge was built by Anna Berg in 1901.", "Rain falls often in the valley."], parsed.Sentences);
    }

    [Fact]
    public void With_no_room_for_any_sentence_only_the_question_remains()
    {
        Assert.Equal(Prompt.Format([]), RelevantPassages.Fit(Prompt, "Anna Berg.", budget: 3, Words));
    }
}
