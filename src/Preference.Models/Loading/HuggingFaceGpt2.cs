using System.Text.Json.Nodes;
using Preference.Models.Gpt2;

namespace Preference.Models.Loading;

/// <summary>GPT-2 directories (GPT2LMHeadModel: gpt2, distilgpt2, and models fine-tuned from them).</summary>
public sealed class HuggingFaceGpt2 : HuggingFaceArchitecture
{
    public override IReadOnlyList<string> ModelTypes { get; } = ["gpt2"];

    public override HuggingFaceWeightLayout Layout => HuggingFaceWeightLayouts.Gpt2;

    public override CausalLanguageModel Create(string configPath)
    {
        var config = ModelConfigJson.Read<Gpt2Config>(configPath);
        config.Validate(configPath);
        return new Gpt2LMHeadModel(config, initialize: false);
    }

    public override bool Handles(CausalLanguageModel model) => model is Gpt2LMHeadModel;

    public override void CompleteConfig(CausalLanguageModel model, JsonObject config)
    {
        var c = ((Gpt2LMHeadModel)model).Config;
        config["n_inner"] = c.NInner;
        config["tie_word_embeddings"] = c.TieWordEmbeddings;
    }

    public override (JsonNode? Bos, JsonNode? Eos) GenerationTokens(CausalLanguageModel model)
    {
        var c = ((Gpt2LMHeadModel)model).Config;
        return (JsonValue.Create(c.BosTokenId), JsonValue.Create(c.EosTokenId));
    }
}
