using Preference.Core.Domain;

namespace Preference.Server.Contracts;

public sealed record CreateCampaignRequest
{
    public required string Name { get; init; }
    /// <summary>Optional readable id; derived from the name otherwise.</summary>
    public string? Id { get; init; }
    public string Guidelines { get; init; } = "";
    public int ResponsesPerTask { get; init; } = 2;
    public int Overlap { get; init; } = 1;
    /// <summary>Annotator ids that may work on it; empty, missing or null means every annotator.</summary>
    public IReadOnlyList<string>? AllowedAnnotatorIds { get; init; }
    public double ReservationMinutes { get; init; } = 15;
    /// <summary>sequence (import order, the default), random, uncertainty or judgeDisagreement (see <see cref="Campaign.QueueOrder"/>).</summary>
    public QueueOrder QueueOrder { get; init; } = QueueOrder.Sequence;
}

public sealed record CampaignView(Campaign Campaign, int Tasks, int TasksDone, int Annotations);

/// <summary>What an annotator needs around a task: guidelines and their own progress.</summary>
public sealed record AnnotatorCampaignView(string Id, string Name, string Guidelines, int ResponsesPerTask, int Mine, int Remaining);
