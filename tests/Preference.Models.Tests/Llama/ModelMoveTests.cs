using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Llama;

/// <summary>Moving a model (dtype, device) must carry its rotary tables along, as `--device cuda` does.</summary>
public class ModelMoveTests
{
    [Fact]
    public void A_model_moved_through_float64_and_back_keeps_the_reference_logits()
    {
        using var model = Llama2cCheckpoint.Load(SharedData.Stories260K);
        model.to(ScalarType.Float64);
        model.to(ScalarType.Float32);
        model.to(torch.CPU);

        AssertReferenceLogits(model);
    }

    [Fact]
    public void The_loader_keeps_the_reference_logits_after_moving_to_the_requested_device_and_dtype()
    {
        using var loaded = ModelLoader.Load(SharedData.Stories260K, new ModelLoadOptions { Device = torch.CPU }).Model;

        AssertReferenceLogits(loaded);
    }

    static void AssertReferenceLogits(CausalLanguageModel model)
    {
        model.eval();
        var inputs = new long[] { 1 }.Concat(SharedData.ReferenceGreedyTokens.Take(3).Select(t => (long)t)).ToArray();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.Forward(tensor(inputs).unsqueeze(0))[0];
        for (int position = 0; position < SharedData.ReferenceLogits.Length; position++)
        {
            var ours = logits[position].data<float>().ToArray();
            var maxError = ours.Zip(SharedData.ReferenceLogits[position], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxError < 1e-4, $"position {position}: max |error| {maxError}");
        }
    }
}
