using System.Runtime.CompilerServices;
using Preference.Core.Aggregation;
using Preference.Core.Datasets;
using Preference.Core.Domain;

namespace Preference.Store.Export;

/// <summary>
/// Turns a campaign's annotations into preference pairs: per task, every annotator's ranking is aggregated
/// (majority or Bradley–Terry) into all implied pairs, and pairs agreed on by fewer than
/// <c>minAgreement</c> of the annotators are dropped.
/// </summary>
public sealed class PreferenceExporter(PreferenceCollections collections)
{
    public async IAsyncEnumerable<PreferencePair> ExportAsync(
        string campaignId, AggregationMethod method, double minAgreement,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
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
            var pairs = PreferenceAggregator.Aggregate(group.Select(a => a.Ranking).ToList(), method, minAgreement);
            foreach (var pair in pairs)
                yield return new PreferencePair(prompt, completions[pair.Better], completions[pair.Worse], pair.Agreement, pair.Votes);
            await Task.Yield();
        }
    }
}
