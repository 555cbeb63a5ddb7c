using System.Globalization;
using Preference.Core.Judging;

namespace Preference.Judges.Rules;

/// <summary>A judge from a C# scoring function: higher scores rank higher; equal (within tolerance) scores tie.</summary>
public sealed class DelegateJudge(JudgeIdentity identity, Func<JudgeTask, Candidate, double> score, double tieTolerance = 0) : IJudge
{
    public JudgeIdentity Identity { get; } = identity.WithSetting("tie_tolerance", tieTolerance.ToString(CultureInfo.InvariantCulture));

    public Task<JudgeVerdict> JudgeAsync(JudgeTask task, CancellationToken cancellationToken = default)
    {
        if (task.Validate() is { } problem) return Task.FromResult(JudgeVerdict.Failed(task, Identity, problem));
        List<(string Id, double)> scores;
        try
        {
            scores = task.Responses.Select(r => (r.Id, score(task, r))).ToList();
        }
        catch (Exception e)
        {
            // A rule that breaks on one task must not end the whole run; the task is recorded as failed.
            return Task.FromResult(JudgeVerdict.Failed(task, Identity, $"the scoring function threw {e.GetType().Name}: {e.Message}"));
        }
        if (scores.Any(s => double.IsNaN(s.Item2)))
            return Task.FromResult(JudgeVerdict.Failed(task, Identity, "the scoring function returned NaN"));
        var ranking = ScoreRanking.FromScores(scores, tieTolerance);
        return Task.FromResult(JudgeVerdict.Ranked(task, Identity, ranking, "scores: " + ScoreRanking.Describe(scores)));
    }
}
