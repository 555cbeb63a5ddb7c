using System.Text.Json.Serialization;
using Preference.Core.Domain;
using Preference.Core.Judging;
using Preference.Core.Rankings;

namespace Preference.Judges.Running;

/// <summary>
/// One line of a verdict log: the fields of an <see cref="Annotation"/> (so a judge's output reads like any
/// annotator's export) plus <see cref="Failure"/> for tasks the judge could not rank.
/// </summary>
public sealed record VerdictRecord
{
    public required string TaskId { get; init; }
    public required string AnnotatorId { get; init; }
    public AnnotatorKind AnnotatorKind { get; init; } = AnnotatorKind.Judge;
    [JsonConverter(typeof(RankingJsonConverter))]
    public Ranking? Ranking { get; init; }
    public string? Rationale { get; init; }
    /// <summary>The order the responses were given to the judge.</summary>
    public required IReadOnlyList<string> ShownOrder { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public bool? OrderFlipped { get; init; }
    public string? Failure { get; init; }
    public int Attempts { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }

    public static VerdictRecord From(JudgeTask task, JudgeIdentity judge, JudgeVerdict verdict, DateTimeOffset now) => new()
    {
        TaskId = task.TaskId,
        AnnotatorId = judge.Name,
        Ranking = verdict.Ranking,
        Rationale = verdict.Rationale.Length > 0 ? verdict.Rationale : null,
        ShownOrder = task.Responses.Select(r => r.Id).ToList(),
        Metadata = verdict.PromptTemplate is { } template
            ? new Dictionary<string, string>(judge.ToMetadata()) { ["prompt_template"] = template }
            : judge.ToMetadata(),
        OrderFlipped = verdict.OrderFlipped,
        Failure = verdict.Failure,
        Attempts = verdict.Attempts,
        SubmittedAt = now,
    };
}
