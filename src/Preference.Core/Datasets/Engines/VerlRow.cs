using System.Text.Json.Serialization;

namespace Preference.Core.Datasets.Engines;

/// <summary>
/// One row of a verl prompt dataset, column for column what verl's examples/data_preprocess scripts write
/// (e.g. gsm8k.py): <c>data_source</c> selects the reward function, <c>prompt</c> is the chat the rollout continues,
/// <c>reward_model.ground_truth</c> reaches <c>compute_score</c> as <c>ground_truth</c>, <c>extra_info</c> as
/// <c>extra_info</c>. Mutable classes because Parquet.Net's serializer builds the nested struct and list columns
/// from settable properties.
/// </summary>
public sealed class VerlRow
{
    [JsonPropertyName("data_source")] public string DataSource { get; set; } = "";
    [JsonPropertyName("prompt")] public List<VerlMessage> Prompt { get; set; } = [];
    [JsonPropertyName("ability")] public string Ability { get; set; } = "";
    [JsonPropertyName("reward_model")] public VerlRewardModel RewardModel { get; set; } = new();
    [JsonPropertyName("extra_info")] public VerlExtraInfo ExtraInfo { get; set; } = new();
}

/// <summary>One chat message of a verl prompt.</summary>
public sealed class VerlMessage
{
    [JsonPropertyName("role")] public string Role { get; set; } = "";
    [JsonPropertyName("content")] public string Content { get; set; } = "";
}

/// <summary><c>style</c>: "rule" (a function checks the answer) or "model" (a reward model scores it); the reference answer.</summary>
public sealed class VerlRewardModel
{
    [JsonPropertyName("style")] public string Style { get; set; } = "model";
    [JsonPropertyName("ground_truth")] public string? GroundTruth { get; set; }
}

/// <summary>
/// Free-form extras verl hands to <c>compute_score</c>: the split and row index (as verl's examples), and the prompt
/// as plain text, which our reward server needs next to the response (verl passes the response alone).
/// </summary>
public sealed class VerlExtraInfo
{
    [JsonPropertyName("split")] public string Split { get; set; } = "train";
    [JsonPropertyName("index")] public long Index { get; set; }
    [JsonPropertyName("prompt_text")] public string PromptText { get; set; } = "";
}
