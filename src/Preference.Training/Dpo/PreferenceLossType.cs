namespace Preference.Training.Dpo;

/// <summary>The offline preference objectives, by TRL's <c>loss_type</c> names.</summary>
public enum PreferenceLossType
{
    /// <summary>DPO (Rafailov et al. 2023): −log σ(β·h), h the chosen-minus-rejected log-ratio against the reference.</summary>
    Sigmoid,

    /// <summary>Robust DPO (Chowdhury et al. 2024): unbiased under a label_smoothing fraction of flipped labels.</summary>
    Robust,

    /// <summary>SLiC's hinge: max(0, 1 − β·h).</summary>
    Hinge,

    /// <summary>IPO (Azar et al. 2023): (h − 1/(2β))² on per-token mean log-ratios; does not push h to infinity.</summary>
    Ipo,

    /// <summary>SimPO (Meng et al. 2024): reference-free, per-token mean log-probs, target margin simpo_gamma; plus
    /// cpo_alpha × NLL of the chosen completion (CPO).</summary>
    Simpo,

    /// <summary>KTO (Ethayarajh et al. 2024): unpaired desirable/undesirable completions against a batch KL estimate.</summary>
    Kto,
}
