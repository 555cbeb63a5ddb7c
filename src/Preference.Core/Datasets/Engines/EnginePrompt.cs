using Preference.Core.Domain;

namespace Preference.Core.Datasets.Engines;

/// <summary>A prompt handed to an RL engine for rollouts, with the reference answer its rewards may compare against.</summary>
public sealed record EnginePrompt(Prompt Prompt, string? Reference = null)
{
    public static EnginePrompt FromText(string text, string? reference = null, int index = 0) =>
        new(new Prompt { Id = $"p{index}", Text = text }, reference);

    /// <summary>The distinct prompts of some pairs, in first-seen order (what a campaign's tasks were about).</summary>
    public static async Task<List<EnginePrompt>> DistinctAsync(IAsyncEnumerable<PreferencePair> pairs, CancellationToken cancellationToken = default)
    {
        var seen = new HashSet<string>();
        var prompts = new List<EnginePrompt>();
        await foreach (var pair in pairs.WithCancellation(cancellationToken))
            if (seen.Add(pair.Prompt.AsPlainText())) prompts.Add(new EnginePrompt(pair.Prompt));
        return prompts;
    }
}
