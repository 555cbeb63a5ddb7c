namespace Preference.Core.Api;

/// <summary>
/// The body of <c>PUT /api/campaigns/{id}/task-scores</c> (admins): a reward model's score of every completion of
/// some tasks, by the stored completion ids <c>GET .../tasks/contents</c> lists. All are stored or none.
/// </summary>
public sealed record TaskScoresUpload(IReadOnlyList<TaskScoresItem> Tasks);

/// <summary>One task's scores: completion id to score, one per completion of the task, finite numbers.</summary>
public sealed record TaskScoresItem(string TaskId, IReadOnlyDictionary<string, double> CompletionScores);

/// <summary>What the upload answers: how many tasks' scores were stored.</summary>
public sealed record TaskScoresResult(int Tasks);
