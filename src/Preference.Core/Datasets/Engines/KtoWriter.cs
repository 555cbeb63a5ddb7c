using System.Text.Json;
using Preference.Core.Domain;

namespace Preference.Core.Datasets.Engines;

/// <summary>
/// TRL's unpaired preference format for KTO (<c>{"prompt", "completion", "label"}</c>, label true = desirable):
/// each pair gives its chosen completion as desirable and its rejected one as undesirable, as TRL's own
/// <c>unpair_preference_dataset</c> does, so a completion ranked in the middle of a k-wise task appears with both labels.
/// </summary>
public static class KtoWriter
{
    public static async Task<int> WriteAsync(Stream output, IAsyncEnumerable<PreferencePair> pairs, TrlExportStyle style,
        CancellationToken cancellationToken = default)
    {
        int rows = 0;
        await using var writer = new StreamWriter(output, leaveOpen: true);
        await foreach (var pair in pairs.WithCancellation(cancellationToken))
        {
            foreach (var (completion, label) in new[] { (pair.Chosen, true), (pair.Rejected, false) })
            {
                object prompt = style == TrlExportStyle.Standard ? pair.Prompt.AsPlainText() : EngineMessages.Of(pair.Prompt);
                object answer = style == TrlExportStyle.Standard ? completion.AsPlainText() : EngineMessages.Of(completion);
                await writer.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["prompt"] = prompt, ["completion"] = answer, ["label"] = label,
                }));
                rows++;
            }
        }
        return rows;
    }
}
