namespace Preference.Core.Rewards;

/// <summary>
/// Anything that turns completions into one scalar reward each, higher is better: rules, a reward model, a judge
/// comparing against a baseline, a remote reward server. PPO adds the score at the last token of each completion;
/// GRPO normalises it within each prompt's group; a reward-model judge ranks a task's responses by it. Batched for the
/// RL loop, asynchronous for sources that call out; a source that computes in place completes synchronously.
/// </summary>
public interface IRewardSource
{
    /// <summary>Name used in metrics (<c>reward/NAME</c>), logs, and as the model a reward-model judge records.</summary>
    string Name { get; }

    /// <returns>One reward per input, in input order.</returns>
    Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default);
}
