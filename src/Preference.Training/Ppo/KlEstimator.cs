namespace Preference.Training.Ppo;

/// <summary>
/// How the per-token KL to the reference is estimated from the sampled token's log-ratio (Schulman, "Approximating
/// KL divergence"). k1 = log π − log π_ref: unbiased, can be negative per token. k3 = (r − 1) − log r with
/// r = π_ref / π: unbiased, never negative, lower variance.
/// </summary>
public enum KlEstimator { K1, K3 }
