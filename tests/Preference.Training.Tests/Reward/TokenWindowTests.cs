using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;
using TorchSharp;

namespace Preference.Training.Tests.Reward;

public class TokenWindowTests
{
    const string Dialogue = "\n\nHuman: the cat sat\n\nAssistant: on the mat\n\nHuman: the dog ran\n\nAssistant:";

    static RewardModel Model(TempDirectory dir, PromptContext context, int maxLength = 32) =>
        RewardModelFactory.Create(SyntheticPreferences.TinyConfig() with { Context = context, MaxLength = maxLength },
            SyntheticPreferences.AppleWins(8, seed: 3), dir.File("tokenizer"), torch.CPU);

    [Fact]
    public void The_window_reads_the_joined_text_and_marks_where_the_completion_starts()
    {
        using var dir = new TempDirectory();
        using var model = Model(dir, PromptContext.Full, maxLength: 128);
        var window = model.Window.Encode(Dialogue, "far home");
        Assert.Equal(RewardText.Join(Dialogue, "far home"), model.Tokenizer.Decode(window.Ids[1..^1]));
        Assert.Equal(" far home", model.Tokenizer.DecodeContinuation(window.Ids[..window.CompletionStart], window.Ids[window.CompletionStart..^1]));
        Assert.False(window.Truncated);
    }

    [Theory]
    [InlineData("the cat sat", " on the mat")]   // a generated completion: decoded after its prompt, it starts with its space
    [InlineData("the cat sat", "on the mat")]    // a plain answer: the join adds the one space
    [InlineData("", "the cat sat on the mat")]   // no prompt
    [InlineData("", " the cat sat on the mat")]
    public void The_ids_are_the_tokenizers_ids_of_the_natural_joined_text(string prompt, string completion)
    {
        // Tokenizing the parts apart gave the completion a second space (the tokenizer's own dummy prefix after the
        // joining space), a token the model never reads in prompt + completion.
        using var dir = new TempDirectory();
        using var model = Model(dir, PromptContext.Full, maxLength: 128);
        var tokenizer = model.Tokenizer;
        const string natural = "the cat sat on the mat";

        var window = model.Window.Encode(prompt, completion);

        Assert.Equal([.. tokenizer.Encode(natural, addBos: true, parseSpecialTokens: false), tokenizer.EosId], window.Ids);
        Assert.Equal(prompt.Length == 0 ? natural : " on the mat",
            tokenizer.DecodeContinuation(window.Ids[..window.CompletionStart], window.Ids[window.CompletionStart..]));
    }

    [Fact]
    public void Last_human_turn_context_drops_the_earlier_dialogue()
    {
        using var dir = new TempDirectory();
        using var model = Model(dir, PromptContext.LastHumanTurn, maxLength: 128);
        var window = model.Window.Encode(Dialogue, "far home");
        Assert.Equal("\n\nHuman: the dog ran\n\nAssistant: far home", model.Tokenizer.Decode(window.Ids[1..^1]));
    }

    [Fact]
    public void A_cut_into_the_completion_keeps_its_end_and_starts_the_span_after_bos()
    {
        using var dir = new TempDirectory();
        using var model = Model(dir, PromptContext.Full, maxLength: 8);
        var window = model.Window.Encode(Dialogue, "the cat sat on the mat far home");
        Assert.True(window.Truncated);
        Assert.Equal(8, window.Ids.Length);
        Assert.Equal(1, window.CompletionStart);
        Assert.EndsWith("far home", model.Tokenizer.Decode(window.Ids));
    }
}
