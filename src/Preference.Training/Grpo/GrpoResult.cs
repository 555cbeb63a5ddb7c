namespace Preference.Training.Grpo;

/// <summary>What a GRPO run ended with.</summary>
/// <param name="FinalModelDirectory">The trained policy as a Hugging Face directory with its tokenizer (with LoRA: the
/// merged model, or the adapters' directory when merge_adapters is off), or null when the run stopped before its last step.</param>
/// <param name="AdapterDirectory">With LoRA: the PEFT adapters; else null.</param>
public sealed record GrpoResult(long Steps, string? FinalModelDirectory, IReadOnlyDictionary<string, double> LastMetrics,
    string? AdapterDirectory = null);
