using System.Diagnostics;
using System.Text.Json;
using Preference.Core.Rewards;
using Preference.Models.Generation;
using Preference.Training.Ppo;
using Preference.Training.Rewards;
using static TorchSharp.torch;

namespace Preference.Training.Grpo;

/// <summary>
/// The experience half of a critic-free step: num_generations samples of every prompt from the batched decoder,
/// rewards from the same sources as PPO, group advantages, and the old-policy (only when a batch is trained on more
/// than once) and reference (only when β > 0) log-probs. No value model, no GAE.
/// </summary>
/// <param name="references">Prompt → reference answer for reference-guided rewards; the policy never sees it.</param>
/// <param name="fields">Prompt → the other fields of its prompts-file line, handed to the reward sources.</param>
public sealed class GroupRolloutCollector(GrpoModels models, GrpoConfig config, IRewardSource reward,
    IReadOnlyDictionary<string, string>? references = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>>? fields = null)
{
    readonly RewardShaping _shaping = new(config.MissingEosPenalty);

    /// <param name="prompts">The step's distinct prompts; each is sampled num_generations times.</param>
    /// <param name="generationSeed">Seeds sampling, so a resumed run draws the same completions.</param>
    public async Task<(GroupRollout Rollout, double GenerateSeconds, double ScoreSeconds)> CollectAsync(
        IReadOnlyList<string> prompts, long generationSeed, CancellationToken cancellationToken)
    {
        int generations = config.NumGenerations;
        var rows = prompts.SelectMany(p => Enumerable.Repeat(p, generations)).ToList();
        using var sampled = await SampledCompletions.SampleAsync(models.Policy, models.Tokenizer, rows, new GenerationOptions
        {
            MaxNewTokens = config.MaxCompletionLength,
            Temperature = config.Temperature,
            TopK = config.TopK,
            TopP = config.TopP,
            Seed = generationSeed,
            EosTokenId = config.StopTokenId ?? models.Tokenizer.EosId,
        }, reward, _shaping, models.ReferenceScope, references, fields, cancellationToken);
        var timer = Stopwatch.StartNew();
        var rewards = GroupAdvantages.ToMatrix(sampled.Scores, generations);
        var advantageValues = GroupAdvantages.Compute(rewards, config.AdvantageEstimator, config.ScaleRewards);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var generated = sampled.Generated;
        var device = models.Policy.Device;
        var sequences = cat([generated.PromptIds, generated.CompletionIds], 1);
        var attentionMask = cat([generated.PromptMask, generated.CompletionMask], 1);
        long contextLength = generated.PromptIds.shape[1];
        var completionMask = generated.CompletionMask.to(ScalarType.Float32);
        var lossMask = config.MaskTruncatedCompletions
            ? completionMask * generated.EndedWithEos.to(ScalarType.Float32).unsqueeze(1)
            : completionMask;
        var lengths = completionMask.sum(1).to(ScalarType.Int32).cpu().data<int>().ToArray();
        double lossTokens = lossMask.sum().item<float>();

        Tensor? oldLogProbs = config.NumIterations > 1
            ? LogProbsInMicroBatches(models.Policy, sequences, attentionMask, contextLength) * completionMask
            : null;
        Tensor? refLogProbs = null;
        if (config.Beta > 0)
        {
            var reference = models.Reference ?? throw new InvalidOperationException("beta > 0 needs a reference model; none was loaded");
            using (models.ReferenceScope())
                refLogProbs = LogProbsInMicroBatches(reference, sequences, attentionMask, contextLength) * completionMask;
        }
        var advantages = tensor(advantageValues.Cast<double>().Select(a => (float)a).ToArray(), device: device);

        var rollout = new GroupRollout
        {
            Sequences = sequences.MoveToOuterDisposeScope(),
            AttentionMask = attentionMask.MoveToOuterDisposeScope(),
            ContextLength = contextLength,
            LossMask = lossMask.MoveToOuterDisposeScope(),
            OldLogProbs = oldLogProbs?.MoveToOuterDisposeScope(),
            RefLogProbs = refLogProbs?.MoveToOuterDisposeScope(),
            Advantages = advantages.MoveToOuterDisposeScope(),
            LossTokens = lossTokens,
            Prompts = rows,
            Completions = sampled.Completions,
            Rewards = rewards,
            CompletionLengths = lengths,
            EndedWithEos = sampled.EndedWithEos,
        };
        return (rollout, sampled.GenerateSeconds, sampled.ScoreSeconds + timer.Elapsed.TotalSeconds);
    }

    // Rows of the training micro-batch size at a time: the memory of one training forward, not the whole batch's.
    Tensor LogProbsInMicroBatches(Preference.Models.CausalLanguageModel model, Tensor sequences, Tensor attentionMask, long contextLength)
    {
        long rows = sequences.shape[0], size = config.PerDeviceTrainBatchSize;
        var parts = new List<Tensor>();
        for (long start = 0; start < rows; start += size)
        {
            long count = Math.Min(size, rows - start);
            parts.Add(ResponseLogProbs.Compute(model, sequences.narrow(0, start, count), attentionMask.narrow(0, start, count),
                contextLength, config.Temperature).LogProbs);
        }
        return cat(parts, 0);
    }
}
