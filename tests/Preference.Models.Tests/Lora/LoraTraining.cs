using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Preference.Models.Tests.Lora;

/// <summary>A few real AdamW steps of next-token loss on a fixed story, enough to move adapters away from zero.</summary>
static class LoraTraining
{
    public static readonly long[] Story = [1, 403, 407, 261, 378, 365, 295, 269, 264, 430, 261, 297, 343, 263, 356, 438];

    public static Tensor Ids => tensor(Story).unsqueeze(0);

    public static void Train(CausalLanguageModel model, IEnumerable<TorchSharp.Modules.Parameter> parameters, int steps = 5)
    {
        model.train();
        using var optimizer = optim.AdamW(parameters, 1e-2);
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var ids = Ids;
            var logits = model.Forward(ids[.., ..^1]);
            var loss = F.cross_entropy(logits.reshape(-1, logits.shape[^1]), ids[.., 1..].reshape(-1));
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();
        }
        model.eval();
    }

    public static Tensor Logits(CausalLanguageModel model)
    {
        using var noGrad = no_grad();
        model.eval();
        return model.Forward(Ids);
    }

    /// <summary>Copies of every tensor in the state dict whose name is not an adapter's.</summary>
    public static Dictionary<string, Tensor> BaseWeights(nn.Module model) =>
        model.state_dict().Where(kv => !kv.Key.Contains(".lora_", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
}

static class TensorAssert
{
    /// <summary>Same shape and every element bit-for-bit equal.</summary>
    public static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public static double MaxDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();
}
