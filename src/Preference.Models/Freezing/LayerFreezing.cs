using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Freezing;

/// <summary>
/// Freezing parts of a model by parameter name: the token (and position) embeddings, or the first N decoder layers.
/// Lower layers hold general features; freezing them saves gradient and optimizer memory and limits forgetting.
/// Names follow Hugging Face: model.layers.N. (LLaMA family), transformer.h.N. (GPT-2).
/// </summary>
public static partial class LayerFreezing
{
    [GeneratedRegex(@"(?:^|\.)(?:layers|h)\.(\d+)\.")]
    private static partial Regex LayerIndex();

    [GeneratedRegex(@"(?:^|\.)(?:embed_tokens|wte|wpe)\.")]
    private static partial Regex Embedding();

    /// <summary>Freezes every parameter of decoder layers 0..count-1; returns how many parameter tensors were frozen.</summary>
    public static int FreezeFirstLayers(nn.Module model, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var layered = model.named_parameters()
            .Select(p => (p.parameter, Match: LayerIndex().Match(p.name)))
            .Where(p => p.Match.Success)
            .Select(p => (p.parameter, Layer: int.Parse(p.Match.Groups[1].Value)))
            .ToList();
        int layers = layered.Count == 0 ? 0 : layered.Max(p => p.Layer) + 1;
        if (count > layers)
            throw new ArgumentException($"freeze_layers is {count} but the model has {layers} layers", nameof(count));
        int frozen = 0;
        foreach (var (parameter, layer) in layered.Where(p => p.Layer < count))
        {
            parameter.requires_grad = false;
            frozen++;
        }
        return frozen;
    }

    /// <summary>
    /// Freezes token and position embeddings; returns how many parameter tensors were frozen. With tied embeddings this
    /// also freezes the output head, which shares the matrix.
    /// </summary>
    public static int FreezeEmbeddings(nn.Module model)
    {
        int frozen = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!Embedding().IsMatch(name)) continue;
            parameter.requires_grad = false;
            frozen++;
        }
        if (frozen == 0) throw new ArgumentException("the model has no parameter named like an embedding (embed_tokens, wte, wpe)");
        return frozen;
    }
}
