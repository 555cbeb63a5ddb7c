using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>
/// What differs between the model families of a Hugging Face directory: which <c>model_type</c>s they answer to,
/// how the config is read, how weight names map, and what the saved files need so transformers computes the same
/// function. <see cref="HuggingFaceCheckpoint"/> does the rest the same way for all.
/// </summary>
public abstract class HuggingFaceArchitecture
{
    public static IReadOnlyList<HuggingFaceArchitecture> All { get; } = [new HuggingFaceLlama(), new HuggingFaceGpt2()];

    public abstract IReadOnlyList<string> ModelTypes { get; }

    public abstract HuggingFaceWeightLayout Layout { get; }

    /// <summary>Reads and validates config.json and builds the model with freshly initialised weights.</summary>
    public abstract CausalLanguageModel Create(string configPath);

    public abstract bool Handles(CausalLanguageModel model);

    /// <summary>Fills the fields transformers needs that our config leaves implicit, and drops our private ones.</summary>
    public abstract void CompleteConfig(CausalLanguageModel model, JsonObject config);

    /// <summary>The (bos, eos) token ids for generation_config.json.</summary>
    public abstract (JsonNode? Bos, JsonNode? Eos) GenerationTokens(CausalLanguageModel model);

    /// <summary>A parameter as transformers expects it in the checkpoint (layout only; the dtype is the caller's).</summary>
    public virtual Tensor ToCheckpointLayout(CausalLanguageModel model, string name, Tensor parameter) =>
        Layout.IsTransposed(name) ? parameter.t() : parameter;

    /// <summary>
    /// The output rows of a projection (or anything shaped like its rows, such as a LoRA <c>lora_B</c>) in the order
    /// the checkpoint stores them, given the projection's weight name. Identity unless the model keeps its rows in
    /// another order than transformers does (llama2.c's rotary pairs).
    /// </summary>
    public virtual Tensor OutputRowsToCheckpoint(CausalLanguageModel model, string weightName, Tensor rows) => rows;

    /// <summary>The inverse of <see cref="OutputRowsToCheckpoint"/>: checkpoint row order to the model's.</summary>
    public virtual Tensor OutputRowsFromCheckpoint(CausalLanguageModel model, string weightName, Tensor rows) => rows;

    public static HuggingFaceArchitecture ForModelType(string modelType, string configPath) =>
        All.FirstOrDefault(a => a.ModelTypes.Contains(modelType))
        ?? throw new ModelFormatException(configPath,
            $"config field 'model_type' '{modelType}' is not supported ({string.Join(", ", All.SelectMany(a => a.ModelTypes))})");

    public static HuggingFaceArchitecture For(CausalLanguageModel model) =>
        All.FirstOrDefault(a => a.Handles(model))
        ?? throw new ArgumentException($"{model.GetType().Name} cannot be saved as a Hugging Face checkpoint");
}
