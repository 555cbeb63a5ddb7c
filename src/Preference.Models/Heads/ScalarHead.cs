using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Preference.Models.Heads;

/// <summary>
/// A linear map from the final hidden state to one number per position: a reward model's score (named <c>score</c>
/// as in transformers' *ForSequenceClassification) or a PPO value estimate.
/// </summary>
public sealed class ScalarHead : nn.Module<Tensor, Tensor>
{
    readonly Linear score;

    public ScalarHead(long hiddenSize, bool bias = false) : base(nameof(ScalarHead))
    {
        score = nn.Linear(hiddenSize, 1, hasBias: bias);
        using (no_grad())
        {
            // Small initial outputs keep early rewards/values near zero, so the first updates are not dominated by noise.
            nn.init.normal_(score.weight!, 0, 1.0 / Math.Sqrt(hiddenSize + 1));
            score.bias?.zero_();
        }
        RegisterComponents();
    }

    /// <summary>The [1, hidden] weight: <c>score.weight</c> in a sequence classifier's checkpoint.</summary>
    public Tensor Weight => score.weight!;

    /// <summary>[B, T, hidden] -> [B, T]</summary>
    public override Tensor forward(Tensor hiddenStates) => score.forward(hiddenStates).squeeze(-1);

    /// <summary>
    /// The value at the last real token of each row of a 0/1 [B, T] mask, whatever side the padding is on.
    /// </summary>
    public static Tensor AtLastToken(Tensor perPosition, Tensor attentionMask)
    {
        var positions = arange(attentionMask.shape[1], dtype: ScalarType.Int64, device: attentionMask.device);
        var last = (positions * attentionMask.to(ScalarType.Int64)).argmax(1, keepdim: true);
        return perPosition.gather(1, last).squeeze(1);
    }
}
