using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>
/// Copies named tensors into a model's parameters, converting dtype, and fails with the file and the name on a
/// missing weight or a shape mismatch, so a wrong checkpoint never loads half-way.
/// </summary>
public static class WeightAssigner
{
    public static void Assign(nn.Module model, IReadOnlyDictionary<string, Tensor> weights, string source,
        IReadOnlySet<string>? optional = null)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in parameters)
        {
            if (!weights.TryGetValue(name, out var weight))
            {
                if (optional?.Contains(name) == true) continue;
                throw new ModelFormatException(source, $"weight '{name}' is missing");
            }
            if (!weight.shape.SequenceEqual(parameter.shape))
                throw new ModelFormatException(source,
                    $"weight '{name}' has shape [{string.Join(", ", weight.shape)}], the config implies [{string.Join(", ", parameter.shape)}]");
        }
        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
            if (weights.TryGetValue(name, out var weight))
                parameter.copy_(weight.to(parameter.dtype, parameter.device));
    }
}
