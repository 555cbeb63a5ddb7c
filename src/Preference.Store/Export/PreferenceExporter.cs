using System.Runtime.CompilerServices;
using Preference.Core.Aggregation;
using Preference.Core.Datasets;
using Preference.Core.Domain;

namespace Preference.Store.Export;

/// <summary>
/// Turns a campaign's annotations into preference pairs: per task, every annotator's ranking is aggregated
/// (majority or Bradley–Terry) into all implied pairs, and pairs agreed on by fewer than
/// <c>minAgreement</c> of the annotators are dropped. A task a reviewer adjudicated gives the pairs of the
/// adjudicated ranking (none when discarded), and a gold task those of its gold ranking: both are settled, so they
/// are not re-aggregated. With <c>weights</c> (annotator id to weight, see Quality/QualityWeights) each annotator's
/// ranking counts that much in the aggregation.
/// </summary>
public sealed class PreferenceExporter(PreferenceCollections collections)
{
    public async IAsyncEnumerable<PreferencePair> ExportAsync(
        string campaignId, AggregationMethod method, double minAgreement,
        IReadOnlyDictionary<string, double>? weights = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reviews = collections.Reviews.FindBy("campaignId", campaignId).ToDictionary(r => r.TaskId);
        var gold = collections.Gold.FindBy("campaignId", campaignId).ToDictionary(g => g.TaskId);
        var byTask = collections.Annotations.FindBy("campaignId", campaignId)
            .GroupBy(a => a.TaskId)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in byTask)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var task = collections.Tasks.Get(group.Key);
            if (task is null) continue;
            var prompt = collections.Prompts.Get(task.PromptId)!;
            var completions = new Dictionary<string, Completion>();
            foreach (var id in task.CompletionIds)
                if (collections.Completions.Get(id) is { } c) completions[id] = c;
            var settled = reviews.TryGetValue(group.Key, out var review) ? (Found: true, review.Ranking)
                : gold.TryGetValue(group.Key, out var known) ? (Found: true, known.Ranking)
                : (Found: false, Ranking: null);
            if (settled.Found && settled.Ranking is null) continue; // discarded by a reviewer
            var votes = settled.Ranking is { } ranking
                ? new PairwiseVotes([ranking])
                : new PairwiseVotes(group.Select(a => (a.Ranking, weights?.GetValueOrDefault(a.AnnotatorId, 1.0) ?? 1.0)));
            var pairs = PreferenceAggregator.Aggregate(votes, method, minAgreement);
            foreach (var pair in pairs)
                yield return new PreferencePair(prompt, completions[pair.Better], completions[pair.Worse], pair.Agreement, pair.Votes);
            await Task.Yield();
        }
    }
}
