using Preference.Core.Api;
using Preference.Core.Domain;
using Preference.Core.Rankings;

namespace Preference.Store.Queue;

/// <summary>
/// Judge suggestions: when the campaign names a suggestion judge and that judge has ranked a task, the offer carries
/// the judge's ranking with its provenance, except on a held-out share of offers (recorded on the assignment) so the
/// anchoring report can compare annotators' agreement with the judge with and without seeing it.
/// </summary>
public sealed partial class CampaignQueue
{
    private string? _judgeName;

    /// <summary>Applies new settings (validated by <see cref="CampaignQueues.UpdateSettingsAsync"/>).</summary>
    internal void ReplaceSettings(Campaign updated)
    {
        lock (_lock)
        {
            bool judgeChanged = updated.SuggestionJudgeId != Campaign.SuggestionJudgeId;
            bool orderChanged = updated.QueueOrder != Campaign.QueueOrder;
            Campaign = updated;
            if (judgeChanged)
            {
                _judgeName = null;
                foreach (var state in _tasks.Values) state.Suggestion = null;
                if (updated.SuggestionJudgeId is { } judge)
                    foreach (var annotation in _collections.Annotations.FindBy("campaignId", Campaign.Id))
                        if (annotation.AnnotatorId == judge && _tasks.TryGetValue(annotation.TaskId, out var state)) state.Suggestion = annotation;
            }
            if (judgeChanged || orderChanged) ReprioritiseAll();
        }
    }

    /// <summary>Whether this offer shows the suggestion; call under the lock.</summary>
    private SuggestionState SuggestionStateFor(TaskState state, string annotatorId)
    {
        if (state.Suggestion is null || annotatorId == Campaign.SuggestionJudgeId) return SuggestionState.None;
        return Random.Shared.NextDouble() < Campaign.SuggestionHoldout ? SuggestionState.Withheld : SuggestionState.Shown;
    }

    /// <summary>The judge's ranking in the ids this assignment shows (stored ids would reveal import order).</summary>
    private Suggestion? SuggestionOf(TaskState state, string assignmentId)
    {
        if (state.Suggestion is not { } judged) return null;
        // Read once per judge: offers must not cost a database read each.
        var name = _judgeName ??= _collections.Annotators.Get(judged.AnnotatorId)?.Name ?? judged.AnnotatorId;
        var shown = new Ranking(judged.Ranking.Tiers.Select(tier => (IReadOnlyList<string>)tier.Select(id => _offerIds.For(assignmentId, id)).ToList()).ToList());
        return new Suggestion(shown, judged.AnnotatorId, name, judged.EditedAt ?? judged.SubmittedAt);
    }
}
