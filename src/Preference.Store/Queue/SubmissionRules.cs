using Preference.Core.Api;
using Preference.Store.Errors;
using Preference.Store.Validation;

namespace Preference.Store.Queue;

/// <summary>What makes a submission acceptable; each failure names the field to fix.</summary>
internal static class SubmissionRules
{
    public const int MaxRationaleLength = 20_000;

    /// <summary>The fields needed to find the task at all; checked before anything else is looked at.</summary>
    public static void RequireTask(Submission submission)
    {
        if (string.IsNullOrWhiteSpace(submission.TaskId)) throw new StoreValidationException("taskId", "required");
    }

    /// <summary>Checks a submission against the response ids the annotator was shown (as they were shown).</summary>
    public static void Validate(Submission submission, IReadOnlyList<string> shown)
    {
        // JSON can carry nulls where the record's types promise none: "ranking": null, [null], [[null]].
        if (submission.Ranking?.Tiers is not { } tiers) throw new StoreValidationException("ranking", "required");
        for (int i = 0; i < tiers.Count; i++)
        {
            if (tiers[i] is null) throw new StoreValidationException("ranking", $"tier {i + 1} is null; each tier is a list of response ids");
            if (tiers[i].Any(id => id is null)) throw new StoreValidationException("ranking", $"tier {i + 1} holds a null response id");
        }
        if (submission.Ranking.Validate(shown) is { } problem) throw new StoreValidationException("ranking", problem);
        if (submission.Scores is { } scores)
        {
            foreach (var (id, score) in scores)
            {
                if (!shown.Contains(id)) throw new StoreValidationException("scores", $"response '{id}' was not shown in this task");
                if (score is < 1 or > 5) throw new StoreValidationException("scores", $"score of '{id}' must be 1..5, got {score}");
            }
        }
        if (submission.Rationale is { Length: > MaxRationaleLength })
            throw new StoreValidationException("rationale", $"must be at most {MaxRationaleLength} characters");
        if (submission.TimeSpentMs is < 0 or > InputLimits.MaxTimeSpentMs)
            throw new StoreValidationException("timeSpentMs", $"must be 0..{InputLimits.MaxTimeSpentMs} (a day)");
        InputLimits.Map(submission.Metadata, "metadata");
    }
}
