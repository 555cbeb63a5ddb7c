using System.Text.Json.Nodes;
using Preference.Models.Generation;
using Preference.Models.Loading;
using Preference.Models.Lora;
using Preference.Models.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Lora;

/// <summary>
/// What a LoRA run exports, checked the way PEFT and transformers would use it: the base in Hugging Face layout, the
/// adapters merged onto it by PEFT's formula, the merged export, and the adapter directory given to our own loader.
/// </summary>
public class PeftInteropTests
{
    static readonly LoraConfig QkvAdapters = new() { Rank = 4, Alpha = 8, Dropout = 0, TargetModules = ["q_proj", "k_proj", "v_proj"] };

    /// <summary>The bundled model with adapters on q/k/v whose B is far from zero, as after training.</summary>
    static (CausalLanguageModel Model, ModelTokenizer Tokenizer) Adapted()
    {
        var bundle = ModelBundle.Load(null, CPU);
        LoraAdapters.Apply(bundle.Model, QkvAdapters);
        torch.manual_seed(11);
        using (no_grad())
            foreach (var (_, layer) in bundle.Model.Adapters())
                layer.LoraB.normal_(0, 0.2);
        return (bundle.Model, bundle.Tokenizer);
    }

    static IReadOnlyList<int> Greedy(string path, string prompt = "Once upon a time")
    {
        using var bundle = ModelBundle.Load(path, CPU);
        return new TextGenerator(bundle.Model, bundle.Tokenizer)
            .Generate([prompt], new GenerationOptions { MaxNewTokens = 24, Temperature = 0 })[0].TokenIds;
    }

    [Fact]
    public void Peft_merge_of_the_saved_adapter_onto_the_saved_base_equals_our_merged_export()
    {
        using var dir = new Loading.TempDirectory();
        var (model, tokenizer) = Adapted();
        using (model) LoraExport.Save(model, QkvAdapters, tokenizer, baseModelPath: null, dir.Path, merge: true);

        using var baseWeights = SafetensorsFile.Open(dir.File("base/model.safetensors"));
        using var merged = SafetensorsFile.Open(dir.File("merged/model.safetensors"));
        using var adapters = SafetensorsFile.Open(dir.File(PeftAdapterFiles.WeightsFileName));
        var config = JsonNode.Parse(File.ReadAllText(dir.File(PeftAdapterFiles.ConfigFileName)))!;
        double scale = config["lora_alpha"]!.GetValue<double>() / config["r"]!.GetValue<int>();
        Assert.Equal("base", config["base_model_name_or_path"]!.GetValue<string>());

        int checkedLayers = 0;
        foreach (var layer in Enumerable.Range(0, 5))
            foreach (var projection in new[] { "q_proj", "k_proj", "v_proj" })
            {
                using var scope = NewDisposeScope();
                var name = $"model.layers.{layer}.self_attn.{projection}";
                // PEFT's LoRA merge in the Hugging Face layout: W + (alpha / r) · B @ A.
                var peftMerged = baseWeights.Read($"{name}.weight", ScalarType.Float64)
                    + scale * adapters.Read($"base_model.model.{name}.lora_B.weight", ScalarType.Float64)
                        .matmul(adapters.Read($"base_model.model.{name}.lora_A.weight", ScalarType.Float64));
                var ours = merged.Read($"{name}.weight", ScalarType.Float64);
                Assert.True((peftMerged - ours).abs().max().item<double>() < 1e-5, $"{name}: PEFT's merge differs from the merged export");
                checkedLayers++;
            }
        Assert.Equal(15, checkedLayers);
    }

    [Fact]
    public void An_adapter_directory_loads_as_a_model_that_generates_what_the_merged_export_generates()
    {
        using var dir = new Loading.TempDirectory();
        var (model, tokenizer) = Adapted();
        using (model) LoraExport.Save(model, QkvAdapters, tokenizer, baseModelPath: null, dir.Path, merge: true);

        var fromAdapters = Greedy(dir.Path);

        Assert.Equal(Greedy(dir.File("merged")), fromAdapters);
        Assert.NotEqual(Greedy(dir.File("base")), fromAdapters);
    }

    [Fact]
    public void An_adapter_on_a_hugging_face_base_names_that_directory_and_loads_on_it()
    {
        using var dir = new Loading.TempDirectory();
        using (var bundle = ModelBundle.Load(null, CPU)) HuggingFaceCheckpoint.Save(bundle.Model, bundle.Tokenizer, dir.File("hf-base"));
        using (var hfBase = ModelBundle.Load(dir.File("hf-base"), CPU))
        {
            LoraAdapters.Apply(hfBase.Model, QkvAdapters);
            torch.manual_seed(12);
            using (no_grad())
                foreach (var (_, layer) in hfBase.Model.Adapters()) layer.LoraB.normal_(0, 0.2);
            LoraExport.Save(hfBase.Model, QkvAdapters, hfBase.Tokenizer, dir.File("hf-base"), dir.File("adapters"), merge: true);
        }

        Assert.False(Directory.Exists(dir.File("adapters/base")));
        Assert.Equal(Path.GetFullPath(dir.File("hf-base")), PeftAdapterFiles.ResolveBaseModel(dir.File("adapters")));
        Assert.Equal(Greedy(dir.File("adapters/merged")), Greedy(dir.File("adapters")));
    }

    [Fact]
    public void An_adapter_directory_without_a_base_model_is_refused_naming_the_field()
    {
        using var dir = new Loading.TempDirectory();
        var (model, tokenizer) = Adapted();
        using (model) LoraExport.Save(model, QkvAdapters, tokenizer, baseModelPath: null, dir.Path, merge: false);
        var configPath = dir.File(PeftAdapterFiles.ConfigFileName);
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();

        config.Remove("base_model_name_or_path");
        File.WriteAllText(configPath, config.ToJsonString());
        var missing = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("'base_model_name_or_path' is missing", missing.Message);

        config["base_model_name_or_path"] = "meta-llama/Llama-2-7b-hf";
        File.WriteAllText(configPath, config.ToJsonString());
        var unknown = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("'base_model_name_or_path' is 'meta-llama/Llama-2-7b-hf'", unknown.Message);
    }
}
