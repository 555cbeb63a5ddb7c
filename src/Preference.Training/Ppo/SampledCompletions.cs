using System.Diagnostics;
using System.Text.Json;
using Preference.Core.Rewards;
using Preference.Models;
using Preference.Models.Generation;
using Preference.Models.Tokenization;
using Preference.Training.Rewards;

namespace Preference.Training.Ppo;

/// <summary>
/// The first half of every online step (PPO, GRPO): sample one completion per prompt row with the batched decoder,
/// decode it, and score it with the reward sources (reference answers beside the prompt, shaping for missing EOS).
/// Owns the generation output, whose tensors the caller turns into training rows.
/// </summary>
public sealed class SampledCompletions : IDisposable
{
    public required GenerationOutput Generated { get; init; }

    public required IReadOnlyList<string> Prompts { get; init; }

    public required IReadOnlyList<string> Completions { get; init; }

    public required bool[] EndedWithEos { get; init; }

    /// <summary>The reward sources' sum after <see cref="RewardShaping"/>, one per row.</summary>
    public required float[] Scores { get; init; }

    public required double GenerateSeconds { get; init; }

    public required double ScoreSeconds { get; init; }

    /// <param name="prompts">One row per completion (GRPO repeats each prompt num_generations times).</param>
    /// <param name="referenceScope">Opened around scoring: a judge's baseline completion comes from the reference.</param>
    /// <param name="references">Prompt → reference answer for reference-guided rewards; the policy never sees it.</param>
    /// <param name="fields">Prompt → the other fields of its prompts-file line, for the reward sources; null: none.</param>
    public static async Task<SampledCompletions> SampleAsync(CausalLanguageModel policy, ModelTokenizer tokenizer,
        IReadOnlyList<string> prompts, GenerationOptions options, IRewardSource reward, RewardShaping shaping,
        Func<IDisposable> referenceScope, IReadOnlyDictionary<string, string>? references,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>>? fields, CancellationToken cancellationToken)
    {
        var timer = Stopwatch.StartNew();
        var encodings = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        var encoded = prompts.Select(p => encodings.TryGetValue(p, out var ids) ? ids : encodings[p] = tokenizer.Encode(p, addBos: true)).ToList();
        var generated = BatchGenerator.Generate(policy, encoded, options with { PadTokenId = tokenizer.PadId, TokenizerVocabSize = tokenizer.VocabSize }, cancellationToken);
        try
        {
            double generateSeconds = timer.Elapsed.TotalSeconds;
            timer.Restart();
            // Decoded after their prompt, so a completion keeps the space its first token carries.
            var completions = generated.CompletionTokens(options.EosTokenId).Select((c, i) => tokenizer.DecodeContinuation(encoded[i], c)).ToList();
            var endedWithEos = generated.EndedWithEos.cpu().data<bool>().ToArray();
            var inputs = prompts.Select((p, i) => new RewardInput(p, completions[i], endedWithEos[i], references?.GetValueOrDefault(p), fields?.GetValueOrDefault(p))).ToList();
            float[] raw;
            using (referenceScope()) raw = await reward.ScoreAsync(inputs, cancellationToken);
            if (raw.Length != prompts.Count) throw new InvalidOperationException($"reward '{reward.Name}' returned {raw.Length} scores for {prompts.Count} completions");
            return new SampledCompletions
            {
                Generated = generated,
                Prompts = prompts,
                Completions = completions,
                EndedWithEos = endedWithEos,
                Scores = shaping.Apply(raw, endedWithEos),
                GenerateSeconds = generateSeconds,
                ScoreSeconds = timer.Elapsed.TotalSeconds,
            };
        }
        catch
        {
            generated.Dispose();
            throw;
        }
    }

    public void Dispose() => Generated.Dispose();
}
