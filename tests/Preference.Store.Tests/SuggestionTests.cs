using Preference.Core.Api;
using Preference.Core.Domain;
using Preference.Core.Rankings;

namespace Preference.Store.Tests;

public class SuggestionTests
{
    [Fact]
    public async Task The_judges_ranking_is_offered_with_provenance_except_on_the_held_out_share_which_is_recorded()
    {
        using var test = new TestStore();
        var campaign = await test.CampaignWithTasksAsync(200, overlap: 2);
        var judge = await test.AnnotatorAsync("keyword judge", AnnotatorKind.Judge);
        await test.Store.Campaigns.UpdateSettingsAsync(campaign.Id, c => c with { SuggestionJudgeId = judge.Id, SuggestionHoldout = 0.3 });
        var queue = test.Store.Campaigns.Get(campaign.Id);
        var judged = new Dictionary<string, Ranking>();
        while (await queue.NextAsync(judge.Id) is { } offer)
        {
            Assert.Null(offer.Suggestion); // the judge never sees its own suggestion
            var submission = TestStore.RankAsShown(offer);
            judged[offer.TaskId] = InTexts(submission.Ranking, offer);
            await queue.SubmitAsync(judge, submission);
        }

        var alice = await test.AnnotatorAsync("alice");
        int shown = 0, withheld = 0;
        while (await queue.NextAsync(alice.Id) is { } offer)
        {
            var offerRecord = test.Store.Collections.Assignments.Get(offer.AssignmentId);
            if (offer.Suggestion is { } suggestion)
            {
                shown++;
                // In alice's own response ids (the judge's are another offer's), so compared by the texts they name.
                Assert.Equal(judged[offer.TaskId], InTexts(suggestion.Ranking, offer), RankingComparer);
                Assert.Equal((judge.Id, "keyword judge"), (suggestion.JudgeId, suggestion.JudgeName));
                Assert.Equal(SuggestionState.Shown, offerRecord?.Suggestion ?? SuggestionState.Shown);
            }
            else withheld++;
            await queue.SubmitAsync(alice, TestStore.RankAsShown(offer));
        }
        Assert.Equal(200, shown + withheld);
        Assert.InRange(withheld, 30, 90); // 30% of 200, well inside the binomial spread
        var records = test.Store.Collections.Assignments.FindBy("campaignId", campaign.Id).Where(a => a.AnnotatorId == alice.Id).ToList();
        Assert.Equal(withheld, records.Count(a => a.Suggestion == SuggestionState.Withheld));
        Assert.Equal(shown, records.Count(a => a.Suggestion == SuggestionState.Shown));
    }

    private static readonly IEqualityComparer<Ranking> RankingComparer = EqualityComparer<Ranking>.Create(
        (a, b) => a!.Tiers.Select(t => string.Join(",", t)).SequenceEqual(b!.Tiers.Select(t => string.Join(",", t))));

    static Ranking InTexts(Ranking ranking, TaskOffer offer)
    {
        var text = offer.Completions.ToDictionary(c => c.Id, c => c.Text!);
        return new Ranking(ranking.Tiers.Select(tier => (IReadOnlyList<string>)tier.Select(id => text[id]).ToList()).ToList());
    }
}
