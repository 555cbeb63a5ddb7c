using System.Globalization;
using Preference.Core.Judging;
using Preference.Core.Rewards;
using Preference.Judges.Rules;

namespace Preference.Judges.RewardModel;

/// <summary>
/// Ranks a task's responses by reward score; scores closer than the tie tolerance tie. The scorer is any reward source
/// (a trained reward model, a rule, a reward server), the same contract the RL loop scores completions with; one task's
/// responses go in one batch, with the task's reference answer for reference-guided models.
/// </summary>
public sealed class RewardModelJudge(string name, IRewardSource scorer, double tieTolerance = 0) : IJudge
{
    public JudgeIdentity Identity { get; } = new(name, "reward-model", scorer.Name,
        Settings: new Dictionary<string, string> { ["tie_tolerance"] = tieTolerance.ToString(CultureInfo.InvariantCulture) });

    public async Task<JudgeVerdict> JudgeAsync(JudgeTask task, CancellationToken cancellationToken = default)
    {
        if (task.Validate() is { } problem) return JudgeVerdict.Failed(task, Identity, problem);
        var inputs = task.Responses.Select(r => new RewardInput(task.Prompt, r.Text, Reference: task.Reference)).ToList();
        float[] scores;
        try
        {
            scores = await scorer.ScoreAsync(inputs, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return JudgeVerdict.Failed(task, Identity, $"reward model failed: {e.Message}");
        }
        if (scores.Length != inputs.Count)
            return JudgeVerdict.Failed(task, Identity, $"reward model returned {scores.Length} scores for {inputs.Count} responses");
        if (scores.Any(float.IsNaN))
            return JudgeVerdict.Failed(task, Identity, "reward model returned NaN");

        var scored = task.Responses.Select((r, i) => (r.Id, (double)scores[i])).ToList();
        return JudgeVerdict.Ranked(task, Identity, ScoreRanking.FromScores(scored, tieTolerance), "reward: " + ScoreRanking.Describe(scored));
    }
}
