namespace Preference.Training.Reward.Modeling;

/// <summary>Which hidden states the reward is read from.</summary>
public enum RewardPooling
{
    /// <summary>
    /// <c>score</c> at the last real token only, as transformers' *ForSequenceClassification: exactly reloadable there.
    /// </summary>
    Last,

    /// <summary>
    /// <c>score</c> at the last token plus <c>pooled_score</c> on the mean hidden state over the completion's tokens.
    /// On a few thousand pairs word presence carries most of the signal (a bag-of-words model beats a small transformer
    /// reading one position); the mean lets every completion token vote directly, while the last token still sees order.
    /// </summary>
    LastAndMean,
}
