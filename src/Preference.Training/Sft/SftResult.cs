namespace Preference.Training.Sft;

/// <summary>What a finished (or early-stopped) SFT run produced.</summary>
public sealed record SftResult
{
    public required long Steps { get; init; }
    public required bool StoppedEarly { get; init; }
    public double? BestValidationLoss { get; init; }
    public long? BestStep { get; init; }
    public double? FinalValidationLoss { get; init; }

    /// <summary>Perplexity on base-model text before and after training (catastrophic-forgetting check); NaN when off.</summary>
    public double ForgettingBasePerplexity { get; init; } = double.NaN;
    public double ForgettingPerplexity { get; init; } = double.NaN;

    /// <summary>The exported model: a Hugging Face directory, or with LoRA the adapter directory.</summary>
    public required string FinalDirectory { get; init; }

    /// <summary>With LoRA and merge_adapters: the base model with the adapters merged in.</summary>
    public string? MergedDirectory { get; init; }
}
