using Preference.Store.Errors;

namespace Preference.Store.Queue;

/// <summary>What makes a submission acceptable; each failure names the field to fix.</summary>
internal static class SubmissionRules
{
    public const int MaxRationaleLength = 20_000;

    public static void Validate(Submission submission, IReadOnlyList<string> shown)
    {
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
        if (submission.TimeSpentMs < 0) throw new StoreValidationException("timeSpentMs", "must not be negative");
    }
}
