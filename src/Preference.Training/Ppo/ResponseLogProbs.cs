using Preference.Models;
using Preference.Models.Decoding;
using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// Log-probabilities of the response tokens of prompt+response rows under a model, with logits divided by the
/// sampling temperature: the same computation for old, reference and new log-probs, so ratios compare like with like.
/// </summary>
public static class ResponseLogProbs
{
    /// <param name="sequences">[B, L + N] left-padded prompts followed by responses.</param>
    /// <param name="attentionMask">[B, L + N] 1 for real tokens.</param>
    /// <param name="contextLength">L, the padded prompt width.</param>
    /// <returns>[B, N] log-probs and the [B, N, V] scaled logits (for entropy).</returns>
    public static (Tensor LogProbs, Tensor Logits) Compute(CausalLanguageModel model, Tensor sequences, Tensor attentionMask,
        long contextLength, double temperature)
    {
        var context = DecoderContext.FromAttentionMask(attentionMask, sequences.shape[1], null, model.DType);
        return FromHidden(model, model.HiddenStates(sequences, context), sequences, contextLength, temperature);
    }

    /// <summary>As <see cref="Compute"/> from the [B, L + N, H] hidden states of a forward already run.</summary>
    public static (Tensor LogProbs, Tensor Logits) FromHidden(CausalLanguageModel model, Tensor hiddenStates, Tensor sequences,
        long contextLength, double temperature)
    {
        long responseLength = sequences.shape[1] - contextLength;
        var hidden = hiddenStates.narrow(1, contextLength - 1, responseLength);
        var logits = model.Logits(hidden).to(ScalarType.Float32) / temperature;
        var responses = sequences.narrow(1, contextLength, responseLength);
        var logProbs = logits.log_softmax(-1).gather(-1, responses.unsqueeze(-1)).squeeze(-1);
        return (logProbs, logits);
    }

    /// <summary>[B, N, V] logits -> [B, N] entropy of each token's distribution.</summary>
    public static Tensor Entropy(Tensor logits) =>
        logits.logsumexp(-1) - (logits.softmax(-1) * logits).sum(-1);
}
