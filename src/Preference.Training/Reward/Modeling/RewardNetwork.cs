using Preference.Models;
using Preference.Models.Decoding;
using Preference.Models.Heads;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Preference.Training.Reward.Modeling;

/// <summary>
/// A causal LM trunk with the reward heads: <c>score</c> reads the last real token (as in transformers), and with
/// <see cref="RewardPooling.LastAndMean"/> <c>pooled_score</c> reads the mean hidden state of the completion's tokens;
/// the reward is their sum. Dropout (training only) sits on the head inputs, where a small trunk overfits first.
/// A <see cref="FeatureHead"/> (<c>feature_score</c>), when given, adds a linear reward on the batch's grounding features.
/// </summary>
public sealed class RewardNetwork : nn.Module
{
    readonly CausalLanguageModel trunk;
    readonly ScalarHead score;
    readonly ScalarHead? pooled_score;
    readonly FeatureHead? feature_score;
    readonly Dropout dropout;

    public RewardNetwork(CausalLanguageModel trunk, RewardPooling pooling, double headDropout = 0, FeatureHead? featureHead = null)
        : base(nameof(RewardNetwork))
    {
        this.trunk = trunk;
        Pooling = pooling;
        score = new ScalarHead(trunk.Shape.HiddenSize);
        if (pooling == RewardPooling.LastAndMean) pooled_score = new ScalarHead(trunk.Shape.HiddenSize);
        feature_score = featureHead;
        dropout = nn.Dropout(headDropout);
        RegisterComponents();
        score.to(trunk.Device).to(trunk.DType);
        pooled_score?.to(trunk.Device).to(trunk.DType);
        feature_score?.to(trunk.Device);
    }

    public CausalLanguageModel Trunk => trunk;

    public RewardPooling Pooling { get; }

    /// <summary>The last-token head (<c>score.weight</c> in the export).</summary>
    public ScalarHead Score => score;

    /// <summary>The mean-pooled head (<c>pooled_score.weight</c> in the export), or null for <see cref="RewardPooling.Last"/>.</summary>
    public ScalarHead? PooledScore => pooled_score;

    /// <summary>The grounding-feature head (<c>feature_score.*</c> in the export), or null.</summary>
    public FeatureHead? FeatureScore => feature_score;

    /// <summary>
    /// When set, <c>score</c> is read at the last token that is not this id, as transformers' *ForSequenceClassification
    /// finds it with config.json's pad_token_id (used for classifiers trained elsewhere, where that pad may be the EOS
    /// the text ends with); null reads it at the last attended token, the window's EOS.
    /// </summary>
    public int? ScoreAtLastTokenOtherThan { get; init; }

    /// <summary>[B] rewards of a right- or left-padded batch.</summary>
    public Tensor Forward(RewardBatch batch)
    {
        var context = DecoderContext.FromAttentionMask(batch.Mask, batch.Ids.shape[1], null, trunk.DType);
        var hidden = dropout.forward(trunk.HiddenStates(batch.Ids, context));
        var scored = ScoreAtLastTokenOtherThan is { } pad ? batch.Mask.mul(batch.Ids.ne(pad).to(batch.Mask.dtype)) : batch.Mask;
        var reward = ScalarHead.AtLastToken(score.forward(hidden), scored).to(ScalarType.Float32);
        if (pooled_score is not null)
        {
            var weights = batch.CompletionMask.to(hidden.dtype).unsqueeze(-1);
            var mean = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1);
            reward = reward + pooled_score.forward(mean).to(ScalarType.Float32);
        }
        if (feature_score is null) return reward;
        if (batch.Features is null) throw new ArgumentException("this reward model reads grounding features; the batch has none", nameof(batch));
        return reward + feature_score.forward(batch.Features);
    }
}
