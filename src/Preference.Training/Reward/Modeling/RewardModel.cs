using Preference.Models.Tokenization;
using static TorchSharp.torch;

namespace Preference.Training.Reward.Modeling;

/// <summary>
/// A trained or training reward model: the network (trunk + reward heads), its tokenizer and the window it reads,
/// plus the normalisation statistics PPO uses (null until measured on a reference set).
/// </summary>
public sealed class RewardModel(RewardNetwork network, TokenWindow window) : IDisposable
{
    public RewardNetwork Network { get; } = network;

    public TokenWindow Window { get; } = window;

    public ModelTokenizer Tokenizer => Window.Tokenizer;

    public RewardStatistics? Statistics { get; set; }

    public Device Device => Network.Trunk.Device;

    /// <summary>
    /// Whether <see cref="Score(IReadOnlyList{ValueTuple{string, string, string}}, int, CancellationToken)"/> may use the
    /// fused CPU forward (<see cref="FusedRewardScoring"/>) where the model fits it. Default true; off for comparing
    /// with the torch forward.
    /// </summary>
    public bool UseFusedCpuPath { get; set; } = true;

    /// <summary>[B] rewards of a padded batch, with gradients when training.</summary>
    public Tensor Forward(RewardBatch batch) => Network.Forward(batch);

    /// <summary>Raw rewards (not normalised) for prompt/completion pairs without reference answers, in order.</summary>
    public float[] Score(IReadOnlyList<(string Prompt, string Completion)> inputs, int batchSize = 32, CancellationToken cancellationToken = default) =>
        Score(inputs.Select(i => (i.Prompt, i.Completion, (string?)null)).ToList(), batchSize, cancellationToken);

    /// <summary>
    /// Raw rewards (not normalised) in order, each completion with its prompt's reference answer (or null); no
    /// gradients, eval mode. On the CPU a LLaMA trunk runs fused, every window unpadded (<paramref name="batchSize"/>
    /// then only bounds the torch path's padded batches).
    /// </summary>
    public float[] Score(IReadOnlyList<(string Prompt, string Completion, string? Reference)> inputs, int batchSize = 32,
        CancellationToken cancellationToken = default)
    {
        var result = new float[inputs.Count];
        bool wasTraining = Network.training;
        Network.eval();
        try
        {
            using var noGrad = no_grad();
            if (UseFusedCpuPath && FusedRewardScoring.TryScore(Network, inputs.Count, Window.MaxLength,
                    i => Window.Encode(inputs[i].Prompt, inputs[i].Completion, inputs[i].Reference), cancellationToken) is { } fused)
                return fused;
            // Similar lengths together waste less padding; results go back to input order.
            var encoded = inputs.Select((t, i) => (Index: i, Text: Window.Encode(t.Prompt, t.Completion, t.Reference))).OrderBy(e => e.Text.Ids.Length).ToList();
            foreach (var chunk in encoded.Chunk(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var batch = RewardBatch.Pad(chunk.Select(c => c.Text).ToList(), Tokenizer.PadId, Device);
                var scores = Forward(batch).cpu().data<float>().ToArray();
                for (int i = 0; i < chunk.Length; i++) result[chunk[i].Index] = scores[i];
            }
        }
        finally
        {
            Network.train(wasTraining);
        }
        return result;
    }

    public void Dispose() => Network.Dispose();
}
