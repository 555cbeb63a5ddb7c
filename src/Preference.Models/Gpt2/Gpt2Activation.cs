using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Preference.Models.Gpt2;

/// <summary>GPT-2's MLP activations by their config.json names.</summary>
public static class Gpt2Activation
{
    public static readonly string[] Names = ["gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu", "relu"];

    public static bool IsSupported(string name) => Names.Contains(name);

    public static Tensor Apply(string name, Tensor x) => name switch
    {
        // The tanh approximation GPT-2 was trained with (OpenAI's gelu); the three names are the same function.
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => TanhGelu(x),
        "gelu" => F.gelu(x),
        "relu" => F.relu(x),
        _ => throw new ArgumentException($"activation '{name}' is not supported"),
    };

    static Tensor TanhGelu(Tensor x) =>
        0.5 * x * (1.0 + (Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x.pow(3))).tanh());
}
