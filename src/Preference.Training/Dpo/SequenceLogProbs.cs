using Preference.Models;
using Preference.Training.Data;
using static TorchSharp.torch;

namespace Preference.Training.Dpo;

/// <summary>
/// Log-probability of each row's learned tokens (the completion) under a causal LM, from one forward over a right-padded
/// <see cref="SftBatch"/>: the sum over tokens, and the token count to turn it into a per-token mean.
/// </summary>
public static class SequenceLogProbs
{
    /// <returns>[B] summed log-probs (float32) and [B] completion token counts.</returns>
    public static (Tensor Sum, Tensor Tokens) Compute(CausalLanguageModel model, SftBatch batch)
    {
        var logits = model.Forward(batch.InputIds[.., ..^1]).to(ScalarType.Float32);
        var mask = batch.Targets.ne(SftBatch.IgnoreIndex);
        var targets = batch.Targets.masked_fill(mask.logical_not(), 0);
        var tokenLogProbs = logits.log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
        var counts = mask.sum(-1).to(ScalarType.Float32);
        return (tokenLogProbs.masked_fill(mask.logical_not(), 0).sum(-1), counts);
    }
}
