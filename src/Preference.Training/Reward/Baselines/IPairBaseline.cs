using Preference.Training.Reward.Data;

namespace Preference.Training.Reward.Baselines;

/// <summary>A reward that needs no neural network, to tell whether a trained reward model learned anything more.</summary>
public interface IPairBaseline
{
    string Name { get; }

    /// <summary>Learns from the training pairs (a rule ignores them).</summary>
    void Fit(IReadOnlyList<RewardPair> train);

    double Score(string prompt, string completion);

    /// <summary>With the prompt's reference answer (null when there is none); baselines that read none ignore it.</summary>
    double Score(string prompt, string completion, string? reference) => Score(prompt, completion);
}
