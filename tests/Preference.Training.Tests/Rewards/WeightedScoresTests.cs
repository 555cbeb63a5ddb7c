using Preference.Core.Rewards;
using Preference.Training.Rewards;

namespace Preference.Training.Tests.Rewards;

public class WeightedScoresTests
{
    [Fact]
    public async Task Score_parts_gives_each_sources_raw_scores_beside_the_weighted_total_in_input_order()
    {
        var reward = new WeightedReward("total",
        [
            new WeightedSource(RegexReward.Keyword("dog", "dog"), 2),
            new WeightedSource(LengthReward.Create("length", targetCharacters: 0, scale: 1), 0.5),
        ]);
        RewardInput[] batch = [new("p", "a dog"), new("p", "cat"), new("p", "")];

        var scores = await reward.ScorePartsAsync(batch);

        Assert.Equal([1f, 0f, 0f], scores.Parts["dog"]);
        Assert.Equal([-5f, -3f, 0f], scores.Parts["length"]);
        Assert.Equal([2 - 2.5f, -1.5f, 0f], scores.Total);
        Assert.Equal(scores.Total, await reward.ScoreAsync(batch));
    }
}
