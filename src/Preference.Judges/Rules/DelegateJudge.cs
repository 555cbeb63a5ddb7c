using System.Globalization;

namespace Preference.Judges.Rules;

/// <summary>A judge from a C# scoring function: higher scores rank higher; equal (within tolerance) scores tie.</summary>
public sealed class DelegateJudge(JudgeIdentity identity, Func<JudgeTask, Candidate, double> score, double tieTolerance = 0) : IJudge
{
    public JudgeIdentity Identity { get; } = identity.WithSetting("tie_tolerance", tieTolerance.ToString(CultureInfo.InvariantCulture));

    public Task<JudgeVerdict> JudgeAsync(JudgeTask task, CancellationToken cancellationToken = default)
    {
        if (task.Validate() is { } problem) return Task.FromResult(JudgeVerdict.Failed(task, Identity, problem));
        var scores = task.Responses.Select(r => (r.Id, score(task, r))).ToList();
        if (scores.Any(s => double.IsNaN(s.Item2)))
            return Task.FromResult(JudgeVerdict.Failed(task, Identity, "the scoring function returned NaN"));
        var ranking = ScoreRanking.FromScores(scores, tieTolerance);
        return Task.FromResult(JudgeVerdict.Ranked(task, Identity, ranking, "scores: " + ScoreRanking.Describe(scores)));
    }
}
