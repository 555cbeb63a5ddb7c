using Preference.Models.Decoding;
using static TorchSharp.torch;

namespace Preference.Training.Ppo;

/// <summary>
/// The policy's response log-probs and the value of the state before each response token, for one batch of
/// prompt+response rows. With a shared trunk both come from one pass through the policy's layers; otherwise the value
/// model runs its own trunk.
/// </summary>
public static class PolicyValueForward
{
    /// <returns>[B, N] log-probs, [B, N, V] scaled logits, [B, N] values.</returns>
    public static (Tensor LogProbs, Tensor Logits, Tensor Values) Compute(PpoModels models, Tensor sequences, Tensor attentionMask,
        long contextLength, double temperature)
    {
        long responseLength = sequences.shape[1] - contextLength;
        if (!models.SharesTrunk)
        {
            var (logProbs, logits) = ResponseLogProbs.Compute(models.Policy, sequences, attentionMask, contextLength, temperature);
            var values = models.Value.PerPosition(sequences, attentionMask).narrow(1, contextLength - 1, responseLength);
            return (logProbs, logits, values);
        }
        var context = DecoderContext.FromAttentionMask(attentionMask, sequences.shape[1], null, models.Policy.DType);
        var hidden = models.Policy.HiddenStates(sequences, context);
        var (sharedLogProbs, sharedLogits) = ResponseLogProbs.FromHidden(models.Policy, hidden, sequences, contextLength, temperature);
        var sharedValues = models.Value.Head.forward(hidden.narrow(1, contextLength - 1, responseLength)).to(ScalarType.Float32);
        return (sharedLogProbs, sharedLogits, sharedValues);
    }
}
