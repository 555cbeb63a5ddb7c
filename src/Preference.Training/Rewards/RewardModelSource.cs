using Preference.Models.Heads;
using Preference.Models.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Rewards;

/// <summary>
/// A trained reward model as a reward source: prompt + completion are re-encoded with the reward model's own tokenizer
/// (it need not share the policy's), right-padded, scored at the last real token and normalised.
/// </summary>
public sealed class RewardModelSource(
    string name, ScoredLanguageModel model, ModelTokenizer tokenizer, RewardNormalization normalization, int maxLength, int batchSize = 32)
    : IRewardSource
{
    public string Name { get; } = name;

    public Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        var result = new float[batch.Count];
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var device = model.Trunk.Device;
            for (int start = 0; start < batch.Count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var encoded = batch.Skip(start).Take(batchSize).Select(Encode).ToList();
                int width = encoded.Max(e => e.Length);
                var ids = new long[encoded.Count * width];
                var mask = new long[encoded.Count * width];
                Array.Fill(ids, tokenizer.PadId);
                for (int r = 0; r < encoded.Count; r++)
                    for (int t = 0; t < encoded[r].Length; t++)
                    {
                        ids[r * width + t] = encoded[r][t];
                        mask[r * width + t] = 1;
                    }
                var scores = model.Score(tensor(ids, [encoded.Count, width], device: device), tensor(mask, [encoded.Count, width], device: device))
                    .cpu().data<float>().ToArray();
                for (int i = 0; i < scores.Length; i++) result[start + i] = (float)normalization.Apply(scores[i]);
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return Task.FromResult(result);
    }

    // Keep the end of long texts: the completion, which is what is being judged, sits there.
    int[] Encode(RewardInput input)
    {
        var ids = tokenizer.Encode(input.Prompt + input.Completion, addBos: true).ToArray();
        return ids.Length <= maxLength ? ids : ids[^maxLength..];
    }
}
