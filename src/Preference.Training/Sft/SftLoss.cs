using Preference.Models;
using Preference.Training.Data;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Preference.Training.Sft;

/// <summary>Summed next-token cross-entropy over the learned targets of a batch; callers divide by the token count they want.</summary>
public static class SftLoss
{
    public static Tensor Sum(CausalLanguageModel model, SftBatch batch)
    {
        var inputs = batch.InputIds[.., ..^1];
        var logits = model.Forward(inputs);
        return F.cross_entropy(logits.reshape(-1, logits.shape[^1]).to(ScalarType.Float32), batch.Targets.reshape(-1),
            ignore_index: SftBatch.IgnoreIndex, reduction: nn.Reduction.Sum);
    }

    /// <summary>Token-weighted mean loss over a whole set, without gradients (validation, forgetting check).</summary>
    public static double Mean(CausalLanguageModel model, IReadOnlyList<TokenizedExample> examples, int batchSize, int padId,
        CancellationToken cancellationToken)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var total = zeros(1, dtype: ScalarType.Float64, device: model.Device);
            long learned = 0;
            foreach (var chunk in examples.Chunk(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var batch = SftBatch.Collate(chunk, padId, model.Device);
                total.add_(Sum(model, batch).to(ScalarType.Float64));
                learned += batch.LearnedTokens;
            }
            return learned == 0 ? double.NaN : total.item<double>() / learned;
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
