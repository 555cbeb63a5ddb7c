using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>How <see cref="HuggingFaceCheckpoint.Save"/> writes a model.</summary>
public sealed record HuggingFaceSaveOptions
{
    /// <summary>The dtype of the saved weights (and config.json's torch_dtype); null keeps the model's own.</summary>
    public ScalarType? DType { get; init; }

    /// <summary>
    /// Split the weights into shards of at most this many bytes with a model.safetensors.index.json, as
    /// transformers' max_shard_size does; null writes one model.safetensors.
    /// </summary>
    public long? MaxShardBytes { get; init; }

    public static HuggingFaceSaveOptions Default { get; } = new();
}
