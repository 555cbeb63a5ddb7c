namespace Preference.Core.Domain;

/// <summary>
/// One candidate response to a prompt, with the policy that produced it and how it was sampled, so a reward model
/// can later be evaluated per source. Conversational completions keep their messages (usually one assistant turn).
/// </summary>
public sealed record Completion
{
    public required string Id { get; init; }
    public required string PromptId { get; init; }
    public string? Text { get; init; }
    public IReadOnlyList<Message>? Messages { get; init; }
    /// <summary>Model or policy id that generated it (e.g. "sft-step-2000", "gpt-4o-mini").</summary>
    public string? SourceModel { get; init; }
    /// <summary>Sampling settings (temperature, top_p, seed...) as given by the producer.</summary>
    public IReadOnlyDictionary<string, string>? GenerationParams { get; init; }

    public string AsPlainText() =>
        Text ?? string.Join("\n\n", (Messages ?? []).Select(m => m.Content));
}
