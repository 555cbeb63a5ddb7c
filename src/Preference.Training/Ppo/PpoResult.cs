namespace Preference.Training.Ppo;

/// <summary>What a PPO run ended with.</summary>
/// <param name="FinalModelDirectory">The trained policy as a Hugging Face directory with its tokenizer, or null when the run was only resumed to its end.</param>
public sealed record PpoResult(long Steps, string? FinalModelDirectory, IReadOnlyDictionary<string, double> LastMetrics);
