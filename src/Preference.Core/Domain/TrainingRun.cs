namespace Preference.Core.Domain;

/// <summary>A trainer process known to the server (reward, PPO, SFT...), whose metrics the dashboard charts.</summary>
public sealed record TrainingRun
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>"sft", "reward", "ppo"...: free text so new stages need no schema change.</summary>
    public string Stage { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;
    public IReadOnlyDictionary<string, string>? Config { get; init; }
    /// <summary>The identity that started the run; a trainer token may publish only to runs it started.</summary>
    public string? StartedBy { get; init; }
}
