using Preference.Models.Gpt2;
using Preference.Models.Loading;
using Preference.Models.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Lora;

public class LoraAdapterTests
{
    static readonly LoraConfig R8 = new() { Rank = 8, Alpha = 16, Dropout = 0.1, TargetModules = ["q_proj", "v_proj"] };

    [Fact]
    public void Apply_wraps_every_matching_projection_and_leaves_only_adapters_trainable()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        var wrapped = LoraAdapters.Apply(model, R8);

        Assert.Equal(10, wrapped.Count); // q_proj and v_proj in each of 5 layers
        Assert.Contains("model.layers.0.self_attn.q_proj", wrapped);
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.Equal(20, trainable.Count);
        Assert.All(trainable, name => Assert.Matches(@"\.(q_proj|v_proj)\.lora_[AB]\.weight$", name));
        Assert.Equal(8, model.Adapters().First().Layer.LoraA.shape[0]);
    }

    [Fact]
    public void A_fresh_adapter_changes_nothing()
    {
        using var scope = NewDisposeScope();
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        var before = LoraTraining.Logits(model);
        LoraAdapters.Apply(model, R8);
        Assert.True(TensorAssert.Identical(before, LoraTraining.Logits(model)));
    }

    [Fact]
    public void Training_r8_changes_only_adapter_weights_and_base_weights_stay_bit_identical()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        LoraAdapters.Apply(model, R8);
        var baseBefore = LoraTraining.BaseWeights(model);
        var adaptersBefore = model.AdapterParameters().Select(p => p.detach().clone()).ToList();

        LoraTraining.Train(model, model.AdapterParameters());

        var baseAfter = LoraTraining.BaseWeights(model);
        Assert.Equal(baseBefore.Keys, baseAfter.Keys);
        Assert.All(baseBefore, kv => Assert.True(TensorAssert.Identical(kv.Value, baseAfter[kv.Key]), $"{kv.Key} changed"));
        Assert.All(model.AdapterParameters().Zip(adaptersBefore),
            pair => Assert.False(TensorAssert.Identical(pair.First, pair.Second), "an adapter weight did not move"));
    }

    [Fact]
    public void Disabled_adapters_give_the_base_models_logits_exactly()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(4);
        using var baseModel = Llama2cCheckpoint.Load(Stories260K.Model);
        var baseLogits = LoraTraining.Logits(baseModel);
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        LoraAdapters.Apply(model, R8);
        LoraTraining.Train(model, model.AdapterParameters());
        var adapted = LoraTraining.Logits(model);

        Tensor reference;
        using (model.DisabledAdapters()) reference = LoraTraining.Logits(model);

        Assert.True(TensorAssert.Identical(reference, baseLogits));
        Assert.False(adapted.allclose(baseLogits, rtol: 0, atol: 1e-4), "training did not change the adapted logits");
        Assert.True(TensorAssert.Identical(LoraTraining.Logits(model), adapted), "leaving the scope did not bring the adapters back");
    }

    [Fact]
    public void Merged_model_gives_the_adapted_logits_with_plain_linear_layers()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        LoraAdapters.Apply(model, R8);
        LoraTraining.Train(model, model.AdapterParameters());
        var adapted = LoraTraining.Logits(model);

        Assert.Equal(10, model.MergeAndUnload());

        Assert.Empty(model.Adapters());
        Assert.DoesNotContain(model.state_dict().Keys, name => name.Contains("lora_"));
        Assert.True(TensorAssert.MaxDifference(LoraTraining.Logits(model), adapted) < 1e-4, $"max difference {TensorAssert.MaxDifference(LoraTraining.Logits(model), adapted)}");
    }

    [Fact]
    public void Merged_model_saves_as_hugging_face_and_loads_back_with_the_adapted_logits()
    {
        using var scope = NewDisposeScope();
        using var directory = new TempDirectory();
        torch.manual_seed(6);
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        LoraAdapters.Apply(model, R8);
        LoraTraining.Train(model, model.AdapterParameters());
        var adapted = LoraTraining.Logits(model);
        model.MergeAndUnload();
        var merged = LoraTraining.Logits(model);

        HuggingFaceCheckpoint.Save(model, directory.Path);
        using var reloaded = HuggingFaceCheckpoint.Load(directory.Path);

        // The HF layout pairs rotary dimensions differently from llama2.c's, so sums run in another order: fp32
        // rounding reaches ~5e-5 over these positions (exact in float64; see the HF round-trip tests).
        Assert.True(TensorAssert.MaxDifference(LoraTraining.Logits(reloaded), merged) < 1e-4);
        Assert.True(TensorAssert.MaxDifference(merged, adapted) < 1e-4);
    }

    [Fact]
    public void Peft_layout_round_trip_restores_the_adapted_logits_under_peft_names()
    {
        using var scope = NewDisposeScope();
        using var directory = new TempDirectory();
        torch.manual_seed(7);
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        LoraAdapters.Apply(model, R8);
        LoraTraining.Train(model, model.AdapterParameters());
        var adapted = LoraTraining.Logits(model);

        PeftAdapterFiles.Save(model, R8, directory.Path, baseModel: "stories260K");
        using var fresh = Llama2cCheckpoint.Load(Stories260K.Model);
        var loaded = PeftAdapterFiles.Load(fresh, directory.Path);

        Assert.Equal(R8, loaded with { TargetModules = R8.TargetModules });
        Assert.Equal(R8.TargetModules, loaded.TargetModules);
        Assert.True(LoraTraining.Logits(fresh).allclose(adapted, rtol: 0, atol: 1e-6));
        using var file = SafetensorsFile.Open(Path.Combine(directory.Path, PeftAdapterFiles.WeightsFileName));
        Assert.Equal(20, file.Entries.Count);
        Assert.True(file.Contains("base_model.model.model.layers.4.self_attn.v_proj.lora_B.weight"));
        var config = File.ReadAllText(Path.Combine(directory.Path, PeftAdapterFiles.ConfigFileName));
        Assert.Contains("\"peft_type\": \"LORA\"", config);
        Assert.Contains("\"lora_alpha\": 16", config);
    }

    [Fact]
    public void Peft_adapter_for_another_shape_is_refused_naming_the_tensor()
    {
        using var directory = new TempDirectory();
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        LoraAdapters.Apply(model, R8);
        PeftAdapterFiles.Save(model, R8, directory.Path);
        File.WriteAllText(Path.Combine(directory.Path, PeftAdapterFiles.ConfigFileName),
            """{"peft_type": "LORA", "r": 4, "lora_alpha": 8, "target_modules": ["q_proj", "v_proj"]}""");

        using var fresh = Llama2cCheckpoint.Load(Stories260K.Model);
        var error = Assert.Throws<ModelFormatException>(() => PeftAdapterFiles.Load(fresh, directory.Path));
        Assert.Contains("q_proj.lora_A.weight' has shape [8, 64], the model needs [4, 64]", error.Message);
    }

    [Fact]
    public void Directory_without_adapter_config_is_refused()
    {
        using var directory = new TempDirectory();
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        var error = Assert.Throws<ModelFormatException>(() => PeftAdapterFiles.Load(model, directory.Path));
        Assert.Contains("adapter_config.json", error.Message);
    }

    [Fact]
    public void Unknown_target_module_is_refused_listing_the_linear_layers_there_are()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        var error = Assert.Throws<ArgumentException>(() => LoraAdapters.Apply(model, R8 with { TargetModules = ["query"] }));
        Assert.Contains("q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj", error.Message);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void Disabling_adapters_on_a_model_without_any_is_an_error_not_a_silent_no_op()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        Assert.Throws<InvalidOperationException>(() => model.DisabledAdapters());
    }

    [Fact]
    public void Gpt2_fused_attention_takes_adapters_too()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(8);
        using var model = new Gpt2LMHeadModel(new Gpt2Config { VocabSize = 512, NPositions = 32, NEmbd = 32, NLayer = 2, NHead = 4 });
        var before = LoraTraining.Logits(model);
        LoraAdapters.Apply(model, R8 with { TargetModules = ["c_attn"] });
        LoraTraining.Train(model, model.AdapterParameters(), steps: 3);

        Assert.False(LoraTraining.Logits(model).allclose(before, rtol: 0, atol: 1e-5));
        using (model.DisabledAdapters()) Assert.True(TensorAssert.Identical(LoraTraining.Logits(model), before));
    }
}
