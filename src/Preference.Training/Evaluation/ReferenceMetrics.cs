using Preference.Models;
using Preference.Models.Decoding;
using Preference.Models.Generation;
using Preference.Training.Ppo;
using static TorchSharp.torch;

namespace Preference.Training.Evaluation;

/// <summary>Per-sample sums over a batch of sampled completions, for averaging across batches.</summary>
public sealed record ReferenceSums(double KlSum, double ReferenceNllSum, long Tokens, int Samples);

/// <summary>
/// How far a policy's samples are from the reference: KL(π‖π_ref) per sample, estimated as Σ_t log π − log π_ref
/// over the sampled tokens (unbiased because the tokens are drawn from π, under the sampling temperature; the same
/// <see cref="SequenceKl"/> as training's objective/kl with k1), and the
/// reference model's perplexity on them (temperature 1), a fluency check: reward hacking into gibberish shows up here.
/// </summary>
public static class ReferenceMetrics
{
    public static ReferenceSums Measure(CausalLanguageModel policy, CausalLanguageModel reference, GenerationOutput samples, double temperature)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sequences = cat([samples.PromptIds, samples.CompletionIds], 1);
        var attention = cat([samples.PromptMask, samples.CompletionMask], 1);
        long context = samples.PromptIds.shape[1];
        var mask = samples.CompletionMask.to(ScalarType.Float32);
        var policyLogProbs = ResponseLogProbs.Compute(policy, sequences, attention, context, temperature).LogProbs;
        // One pass through the reference's layers serves both temperatures; only the output projection differs.
        var referenceHidden = reference.HiddenStates(sequences,
            DecoderContext.FromAttentionMask(attention, sequences.shape[1], null, reference.DType));
        var referenceLogProbs = ResponseLogProbs.FromHidden(reference, referenceHidden, sequences, context, temperature).LogProbs;
        var referenceRaw = ResponseLogProbs.FromHidden(reference, referenceHidden, sequences, context, 1.0).LogProbs;
        var sums = stack([SequenceKl.PerSample(policyLogProbs, referenceLogProbs, mask).sum(), -(referenceRaw * mask).sum(), mask.sum()])
            .cpu().to(ScalarType.Float64).data<double>().ToArray();
        return new ReferenceSums(sums[0], sums[1], (long)sums[2], (int)samples.CompletionIds.shape[0]);
    }
}
