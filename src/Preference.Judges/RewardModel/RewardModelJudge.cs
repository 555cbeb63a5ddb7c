using System.Globalization;
using Preference.Core.Judging;
using Preference.Judges.Rules;

namespace Preference.Judges.RewardModel;

/// <summary>Ranks a task's responses by reward-model score; scores closer than the tie tolerance tie.</summary>
public sealed class RewardModelJudge(string name, IRewardScorer scorer, double tieTolerance = 0) : IJudge
{
    public JudgeIdentity Identity { get; } = new(name, "reward-model", scorer.ModelName,
        Settings: new Dictionary<string, string> { ["tie_tolerance"] = tieTolerance.ToString(CultureInfo.InvariantCulture) });

    public async Task<JudgeVerdict> JudgeAsync(JudgeTask task, CancellationToken cancellationToken = default)
    {
        if (task.Validate() is { } problem) return JudgeVerdict.Failed(task, Identity, problem);
        var inputs = task.Responses.Select(r => new ScoringInput(task.Prompt, r.Text)).ToList();
        IReadOnlyList<float> scores;
        try
        {
            scores = await scorer.ScoreAsync(inputs, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return JudgeVerdict.Failed(task, Identity, $"reward model failed: {e.Message}");
        }
        if (scores.Count != inputs.Count)
            return JudgeVerdict.Failed(task, Identity, $"reward model returned {scores.Count} scores for {inputs.Count} responses");
        if (scores.Any(float.IsNaN))
            return JudgeVerdict.Failed(task, Identity, "reward model returned NaN");

        var scored = task.Responses.Select((r, i) => (r.Id, (double)scores[i])).ToList();
        return JudgeVerdict.Ranked(task, Identity, ScoreRanking.FromScores(scored, tieTolerance), "reward: " + ScoreRanking.Describe(scored));
    }
}
