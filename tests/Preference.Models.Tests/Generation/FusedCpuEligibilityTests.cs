using Preference.Models.Generation;
using Preference.Models.Generation.CpuFastPath;
using Preference.Models.Lora;
using Preference.Models.Tests.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Generation;

/// <summary>Where the fused CPU decoder must step aside for the torch path, and that generation still matches there.</summary>
public sealed class FusedCpuEligibilityTests
{
    static readonly GenerationOptions Greedy = new() { MaxNewTokens = 10, Temperature = 0, PadTokenId = 0 };
    static readonly LoraConfig Adapter = new() { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj", "down_proj"] };
    static IReadOnlyList<int>[] Prompts => [[1, 4, 9], [1]];

    [Fact]
    public void A_float32_llama_on_the_cpu_runs_fused()
    {
        using var model = FusedDecodeConfigs.Model("gqa, half-split rotary, untied");
        Assert.Null(FusedCpuEligibility.WhyNot(model, Greedy));
    }

    [Fact]
    public void The_option_switches_the_fused_kernel_off()
    {
        using var model = FusedDecodeConfigs.Model("gqa, half-split rotary, untied");
        Assert.Contains(nameof(GenerationOptions.UseFusedCpuKernel), FusedCpuEligibility.WhyNot(model, Greedy with { UseFusedCpuKernel = false }));
    }

    [Fact]
    public void Gpt2_keeps_the_torch_path()
    {
        using var model = TinyModels.Gpt2(TinyModels.Gpt2Config);
        Assert.Contains("not a LLaMA", FusedCpuEligibility.WhyNot(model, Greedy));
    }

    [Fact]
    public void Double_precision_weights_keep_the_torch_path()
    {
        using var model = FusedDecodeConfigs.Model("gqa, half-split rotary, untied");
        model.to(ScalarType.Float64);
        Assert.Contains("float32", FusedCpuEligibility.WhyNot(model, Greedy));
    }

    [Fact]
    public void An_active_lora_adapter_falls_back_and_generation_still_matches_the_torch_path()
    {
        using var model = FusedDecodeConfigs.Model("gqa, half-split rotary, untied");
        using var baseOutput = BatchGenerator.Generate(model, Prompts, Greedy);
        LoraAdapters.Apply(model, Adapter);
        MoveAdapters(model);

        Assert.Contains("LoRA", FusedCpuEligibility.WhyNot(model, Greedy));
        using var adapted = BatchGenerator.Generate(model, Prompts, Greedy);
        using var torchPath = BatchGenerator.Generate(model, Prompts, Greedy with { UseFusedCpuKernel = false });
        Assert.Equal(torchPath.CompletionTokens(null), adapted.CompletionTokens(null));
        Assert.NotEqual(baseOutput.CompletionTokens(null), adapted.CompletionTokens(null));
    }

    [Fact]
    public void Disabled_adapters_run_fused_as_the_base_model()
    {
        using var model = FusedDecodeConfigs.Model("gqa, half-split rotary, untied");
        using var baseOutput = BatchGenerator.Generate(model, Prompts, Greedy with { UseFusedCpuKernel = false });
        LoraAdapters.Apply(model, Adapter);
        MoveAdapters(model);
        using (model.DisabledAdapters())
        {
            Assert.Null(FusedCpuEligibility.WhyNot(model, Greedy));
            using var fused = BatchGenerator.Generate(model, Prompts, Greedy);
            Assert.Equal(baseOutput.CompletionTokens(null), fused.CompletionTokens(null));
        }
    }

    // A fresh adapter is zero and would change nothing; give it a real update.
    static void MoveAdapters(nn.Module model)
    {
        using var noGrad = no_grad();
        var generator = new Generator(9);
        foreach (var (_, layer) in model.Adapters())
            layer.LoraB.copy_(randn(layer.LoraB.shape, generator: generator));
    }
}
