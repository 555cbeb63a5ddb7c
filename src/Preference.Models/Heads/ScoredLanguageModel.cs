using Preference.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Heads;

/// <summary>
/// A causal LM trunk with a scalar head: the reward model (score at the last real token) and the PPO value model
/// (a value per position). The trunk's own LM head is left unused.
/// </summary>
public sealed class ScoredLanguageModel : nn.Module
{
    readonly CausalLanguageModel trunk;
    readonly ScalarHead head;

    public ScoredLanguageModel(CausalLanguageModel trunk, ScalarHead? head = null) : base(nameof(ScoredLanguageModel))
    {
        this.trunk = trunk;
        this.head = head ?? new ScalarHead(trunk.Shape.HiddenSize);
        this.head.to(trunk.Device).to(trunk.DType);
        RegisterComponents();
    }

    public CausalLanguageModel Trunk => trunk;

    public ScalarHead Head => head;

    /// <summary>[B, T] ids and 0/1 mask (either padding side) -> [B, T] scalar per position.</summary>
    public Tensor PerPosition(Tensor inputIds, Tensor attentionMask)
    {
        var context = DecoderContext.FromAttentionMask(attentionMask, inputIds.shape[1], null, trunk.DType);
        return head.forward(trunk.HiddenStates(inputIds, context)).to(ScalarType.Float32);
    }

    /// <summary>[B, T] ids and 0/1 mask -> [B] score at each row's last real token.</summary>
    public Tensor Score(Tensor inputIds, Tensor attentionMask) =>
        ScalarHead.AtLastToken(PerPosition(inputIds, attentionMask), attentionMask);
}
