namespace Preference.Cli.Pipeline;

/// <summary>The quickstart's policy-optimisation step (see <see cref="QuickstartPipeline.StagesFor"/>).</summary>
public enum QuickstartAlgorithm
{
    /// <summary>Train a reward model on the exported pairs, then PPO against it.</summary>
    Ppo,

    /// <summary>Direct preference optimisation on the exported pairs; no reward model.</summary>
    Dpo,

    /// <summary>Train a reward model on the exported pairs, then GRPO (critic-free, group advantages) against it.</summary>
    Grpo,
}
