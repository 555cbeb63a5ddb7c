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
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        model.to(ScalarType.Float64);
        model.to(ScalarType.Float32);
        model.to(torch.CPU);

        ReferenceLogits.AssertMatch(model);
    }

    [Fact]
    public void The_loader_keeps_the_reference_logits_after_moving_to_the_requested_device_and_dtype()
    {
        using var loaded = ModelLoader.Load(Stories260K.Model, new ModelLoadOptions { Device = torch.CPU }).Model;

        ReferenceLogits.AssertMatch(loaded);
    }
}
