using System.Text.Json;
using System.Text.Json.Serialization;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Training.Reward.Export;

/// <summary>
/// <c>reward_model.json</c> beside the weights: what a scorer needs that config.json has no field for — the window
/// the model was trained with and the reward normalisation statistics PPO applies.
/// </summary>
public sealed record RewardModelCard
{
    public const string FileName = "reward_model.json";

    [JsonPropertyName("max_length")] public required int MaxLength { get; init; }
    [JsonPropertyName("truncation_side")] public string TruncationSide { get; init; } = "left";
    /// <summary>
    /// How to score: "last" = <c>score.weight</c> · h[last real token] (plain LlamaForSequenceClassification);
    /// "last_and_mean" = that plus <c>pooled_score.weight</c> · mean(h over the completion's tokens, its EOS included).
    /// </summary>
    [JsonPropertyName("pooling")] public RewardPooling Pooling { get; init; } = RewardPooling.Last;

    /// <summary>The prompt text read: "full", or "last_human_turn" (from the last "\n\nHuman:" on).</summary>
    [JsonPropertyName("prompt_context")] public PromptContext Context { get; init; } = PromptContext.Full;

    /// <summary>
    /// "grounding": the reward adds <c>feature_score.weight</c> · (f − <c>feature_score.mean</c>) / <c>feature_score.std</c>,
    /// f = the features named in <see cref="FeatureNames"/>, computed from the prompt and completion text;
    /// "grounding_reference" adds features comparing the completion with a reference answer given beside the prompt.
    /// </summary>
    [JsonPropertyName("features")] public RewardFeatures Features { get; init; } = RewardFeatures.None;
    [JsonPropertyName("feature_names")] public IReadOnlyList<string>? FeatureNames { get; init; }

    [JsonPropertyName("base_model")] public string? BaseModel { get; init; }
    [JsonPropertyName("normalization")] public RewardStatistics? Normalization { get; init; }

    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public void Write(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Options) + "\n");

    public static RewardModelCard Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: not a reward model directory (no {FileName})");
        try
        {
            return JsonSerializer.Deserialize<RewardModelCard>(File.ReadAllText(path), Options)
                   ?? throw new InvalidDataException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message.Split(". ")[0]}", e);
        }
    }
}
