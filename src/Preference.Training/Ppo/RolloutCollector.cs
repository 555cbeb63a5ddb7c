using System.Diagnostics;
using Preference.Core.Rewards;
using Preference.Models.Generation;
using Preference.Training.Rewards;
using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// The experience half of a PPO step (TRL's rollout phase): sample responses, score them, take old/reference
/// log-probs and values with full forward passes, then turn KL and score into per-token rewards and GAE advantages.
/// </summary>
/// <param name="references">Prompt → reference answer, handed to the reward source beside the prompt (reference-guided
/// reward models); the policy never sees it. Null or a missing prompt: no reference.</param>
public sealed class RolloutCollector(PpoModels models, PpoConfig config, IRewardSource reward, RewardShaping shaping,
    IReadOnlyDictionary<string, string>? references = null)
{
    int StopTokenId => config.StopTokenId ?? models.Tokenizer.EosId;

    /// <param name="generationSeed">Seeds sampling, so a resumed run draws the same responses.</param>
    public async Task<(Rollout Rollout, double GenerateSeconds, double ScoreSeconds)> CollectAsync(
        IReadOnlyList<string> prompts, double klCoef, long generationSeed, CancellationToken cancellationToken)
    {
        using var sampled = await SampledCompletions.SampleAsync(models.Policy, models.Tokenizer, prompts, new GenerationOptions
        {
            MaxNewTokens = config.ResponseLength,
            Temperature = config.Temperature,
            TopK = config.TopK,
            TopP = config.TopP,
            Seed = generationSeed,
            EosTokenId = StopTokenId,
        }, reward, shaping, models.ReferenceScope, references, null, cancellationToken);
        var timer = Stopwatch.StartNew();
        var generated = sampled.Generated;
        var shaped = sampled.Scores;

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = models.Policy.Device;
        var sequences = cat([generated.PromptIds, generated.CompletionIds], 1);
        var attentionMask = cat([generated.PromptMask, generated.CompletionMask], 1);
        long contextLength = generated.PromptIds.shape[1];
        var responseMask = generated.CompletionMask.to(ScalarType.Float32);

        var (policyLogProbs, _, policyValues) = PolicyValueForward.Compute(models, sequences, attentionMask, contextLength, config.Temperature);
        var logProbs = policyLogProbs * responseMask;
        Tensor refLogProbs;
        using (models.ReferenceScope())
            refLogProbs = ResponseLogProbs.Compute(models.Reference, sequences, attentionMask, contextLength, config.Temperature).LogProbs * responseMask;
        var values = policyValues * responseMask;
        var scores = tensor(shaped, device: device);

        var kl = SequenceKl.PerToken(logProbs, refLogProbs, config.KlEstimator) * responseMask;
        var nonScore = -klCoef * kl;
        var lastToken = (responseMask.sum(1).to(ScalarType.Int64) - 1).clamp_min(0);
        var rewards = nonScore.clone().scatter_add_(1, lastToken.unsqueeze(1), scores.unsqueeze(1));
        if (config.WhitenRewards) rewards = MaskedStatistics.Whiten(rewards, responseMask, shiftMean: false) * responseMask;
        var (advantages, returns) = Gae.Compute(rewards, values, config.Gamma, config.Lam);
        if (config.WhitenAdvantages) advantages = MaskedStatistics.Whiten(advantages, responseMask);
        advantages *= responseMask;

        var rollout = new Rollout
        {
            Sequences = sequences.MoveToOuterDisposeScope(),
            AttentionMask = attentionMask.MoveToOuterDisposeScope(),
            ContextLength = contextLength,
            ResponseMask = responseMask.MoveToOuterDisposeScope(),
            LogProbs = logProbs.MoveToOuterDisposeScope(),
            RefLogProbs = refLogProbs.MoveToOuterDisposeScope(),
            Values = values.MoveToOuterDisposeScope(),
            Scores = scores.MoveToOuterDisposeScope(),
            Kl = kl.MoveToOuterDisposeScope(),
            NonScoreRewards = nonScore.MoveToOuterDisposeScope(),
            Rewards = rewards.MoveToOuterDisposeScope(),
            Advantages = advantages.MoveToOuterDisposeScope(),
            Returns = returns.MoveToOuterDisposeScope(),
            EndedWithEos = generated.EndedWithEos.clone().MoveToOuterDisposeScope(),
            Prompts = prompts,
            Completions = sampled.Completions,
            ScoreValues = shaped,
        };
        return (rollout, sampled.GenerateSeconds, sampled.ScoreSeconds + timer.Elapsed.TotalSeconds);
    }
}
