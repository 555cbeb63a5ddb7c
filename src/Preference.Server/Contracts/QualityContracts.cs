using Preference.Core.Domain;
using Preference.Core.Rankings;

namespace Preference.Server.Contracts;

/// <summary>A campaign's quality settings, replaced whole (see <see cref="Campaign"/> for each field).</summary>
public sealed record QualitySettingsRequest
{
    public double GoldRate { get; init; }
    public double? ReviewThreshold { get; init; }
    public string? SuggestionJudgeId { get; init; }
    public double SuggestionHoldout { get; init; } = 0.2;
    public QueueOrder QueueOrder { get; init; } = QueueOrder.Sequence;
}

public sealed record GoldRankingRequest
{
    public required Ranking Ranking { get; init; }
}

/// <summary>
/// A gold task to import: a prompt, its completions, and the known ranking as tiers of indices into the completions
/// (best first; <c>[[1], [0, 2]]</c> = the second is best, the others tie).
/// </summary>
public sealed record GoldImportItem
{
    public string? Prompt { get; init; }
    public IReadOnlyList<Message>? Messages { get; init; }
    public IReadOnlyList<string> Completions { get; init; } = [];
    public IReadOnlyList<IReadOnlyList<int>> Ranking { get; init; } = [];
}

/// <summary>A task as admins list it: its ids, and whether it is gold (never shown to annotators).</summary>
public sealed record TaskView(string Id, string PromptId, IReadOnlyList<string> CompletionIds, long Sequence, bool Gold);

/// <summary>Campaigns a reviewer can work on, with how many tasks wait.</summary>
public sealed record ReviewCampaignView(string Id, string Name, double ReviewThreshold, int Pending);
