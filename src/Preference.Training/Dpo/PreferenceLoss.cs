using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Preference.Training.Dpo;

/// <summary>
/// The pairwise objectives on sequence log-probabilities, after TRL's DPOTrainer.dpo_loss and CPOTrainer.cpo_loss:
/// per-pair losses and the implicit rewards β·(log π − log π_ref) of the chosen and rejected completions. Inputs are
/// [N] tensors; sums over completion tokens for sigmoid/robust/hinge, per-token means for ipo and simpo (the caller
/// decides, see <see cref="UsesMeanLogProbs"/>).
/// </summary>
public static class PreferenceLoss
{
    /// <summary>IPO and SimPO compare per-token mean log-probs, so long completions do not dominate.</summary>
    public static bool UsesMeanLogProbs(PreferenceLossType type) => type is PreferenceLossType.Ipo or PreferenceLossType.Simpo;

    /// <summary>Whether the objective compares the policy with a reference model (SimPO does not).</summary>
    public static bool NeedsReference(PreferenceLossType type) => type != PreferenceLossType.Simpo;

    /// <param name="referenceChosen">Ignored (may be null) for SimPO.</param>
    /// <param name="tie">[N] 1 where the two completions were ranked equal: the pair's target is then ½ (sigmoid
    /// family), pulling the two log-ratios together; null when no pair is a tie.</param>
    /// <param name="margin">[N] how much the chosen must beat the rejected by, subtracted from β·h; null for none.</param>
    /// <returns>[N] losses, and [N] chosen and rejected rewards (detached).</returns>
    public static (Tensor Losses, Tensor ChosenRewards, Tensor RejectedRewards) Compute(PreferenceLossType type,
        Tensor policyChosen, Tensor policyRejected, Tensor? referenceChosen, Tensor? referenceRejected,
        double beta, double labelSmoothing = 0, double simpoGamma = 0.5, Tensor? tie = null, Tensor? margin = null)
    {
        Tensor chosenRatio, rejectedRatio;
        if (type == PreferenceLossType.Simpo)
        {
            chosenRatio = policyChosen;
            rejectedRatio = policyRejected;
        }
        else
        {
            if (referenceChosen is null || referenceRejected is null) throw new ArgumentException($"loss {type} needs reference log-probs");
            chosenRatio = policyChosen - referenceChosen;
            rejectedRatio = policyRejected - referenceRejected;
        }
        var h = chosenRatio - rejectedRatio;
        var z = beta * h;
        if (type == PreferenceLossType.Simpo) z = z - simpoGamma;
        if (margin is not null) z = z - margin;

        var losses = type switch
        {
            PreferenceLossType.Sigmoid or PreferenceLossType.Simpo =>
                -F.logsigmoid(z) * (1 - labelSmoothing) - F.logsigmoid(-z) * labelSmoothing,
            PreferenceLossType.Robust =>
                (-F.logsigmoid(z) * (1 - labelSmoothing) + F.logsigmoid(-z) * labelSmoothing) / (1 - 2 * labelSmoothing),
            PreferenceLossType.Hinge => F.relu(1 - z),
            PreferenceLossType.Ipo => (h - 1 / (2 * beta)).square(),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a pairwise loss"),
        };
        if (tie is not null)
        {
            // A tie's target probability is ½ whichever completion is called chosen.
            var tied = -0.5 * (F.logsigmoid(z) + F.logsigmoid(-z));
            losses = where(tie.to(ScalarType.Bool), tied, losses);
        }
        return (losses, (beta * chosenRatio).detach(), (beta * rejectedRatio).detach());
    }

    /// <summary>
    /// KTO (TRL's kto_loss): desirable completions are pushed above the batch's KL estimate z₀, undesirable ones below.
    /// </summary>
    /// <param name="policy">[N] summed log-probs of each completion under the policy.</param>
    /// <param name="reference">[N] the same under the reference.</param>
    /// <param name="desirable">[N] true for thumbs-up.</param>
    /// <param name="kl">The scalar KL estimate z₀ (detached, clamped at 0 by the caller).</param>
    /// <returns>[N] weighted losses and [N] rewards β·(log π − log π_ref), detached.</returns>
    public static (Tensor Losses, Tensor Rewards) Kto(Tensor policy, Tensor reference, Tensor desirable, Tensor kl,
        double beta, double desirableWeight = 1, double undesirableWeight = 1)
    {
        var ratio = policy - reference;
        var up = desirableWeight * (1 - F.sigmoid(beta * (ratio - kl)));
        var down = undesirableWeight * (1 - F.sigmoid(beta * (kl - ratio)));
        return (where(desirable.to(ScalarType.Bool), up, down), (beta * ratio).detach());
    }
}
