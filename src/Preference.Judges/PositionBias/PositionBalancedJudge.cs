using Preference.Core.Judging;

namespace Preference.Judges.PositionBias;

/// <summary>
/// Position-bias control for any judge: asks it twice, with the responses in the given order and reversed, and
/// combines the two rankings under a <see cref="OrderDisagreement"/> policy. The verdict records whether the order
/// flipped the outcome, which is what the agreement report's flip rate counts.
/// </summary>
public sealed class PositionBalancedJudge(IJudge inner, OrderDisagreement policy = OrderDisagreement.Tie) : IJudge
{
    public JudgeIdentity Identity { get; } = inner.Identity.WithSetting("position_bias", "both-orders/" + policy.ToString().ToLowerInvariant());

    public async Task<JudgeVerdict> JudgeAsync(JudgeTask task, CancellationToken cancellationToken = default)
    {
        if (task.Validate() is { } problem) return JudgeVerdict.Failed(task, Identity, problem);

        var reversed = task.WithResponses(task.Responses.Reverse().ToList());
        var results = await Task.WhenAll(inner.JudgeAsync(task, cancellationToken), inner.JudgeAsync(reversed, cancellationToken));
        var (forward, backward) = (results[0], results[1]);
        int attempts = forward.Attempts + backward.Attempts;

        if (forward.Ranking is null || backward.Ranking is null)
        {
            var failures = new[] { ("given order", forward), ("reversed order", backward) }
                .Where(r => r.Item2.Ranking is null).Select(r => $"{r.Item1}: {r.Item2.Failure}");
            return JudgeVerdict.Failed(task, Identity, string.Join("; ", failures), attempts) with { PromptTemplate = forward.PromptTemplate };
        }

        bool flipped = OrderCombiner.Disagree(forward.Ranking, backward.Ranking);
        var rationale = flipped
            ? $"[given order] {forward.Rationale}\n[reversed order] {backward.Rationale}"
            : forward.Rationale;
        var combined = OrderCombiner.Combine(forward.Ranking, backward.Ranking, policy);
        if (combined is null)
            return JudgeVerdict.Failed(task, Identity, "the verdict changed when the responses were shown in reverse order", attempts)
                with { OrderFlipped = true, Rationale = rationale, PromptTemplate = forward.PromptTemplate };
        return JudgeVerdict.Ranked(task, Identity, combined, rationale, attempts) with { OrderFlipped = flipped, PromptTemplate = forward.PromptTemplate };
    }
}
