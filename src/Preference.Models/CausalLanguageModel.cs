using Preference.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models;

/// <summary>The shape facts every decoder-only model shares, used by generation, caches and heads.</summary>
public sealed record ModelShape(int VocabSize, int HiddenSize, int Layers, int KvHeads, int HeadDim, int MaxPositions);

/// <summary>
/// A decoder-only transformer: token ids in, final hidden states and next-token logits out. LLaMA-family models and
/// GPT-2 both derive from it, so generation, value heads, trainers and savers work with either.
/// </summary>
public abstract class CausalLanguageModel : nn.Module
{
    protected CausalLanguageModel(string name) : base(name) { }

    public abstract ModelShape Shape { get; }

    /// <summary>The architecture name written to config.json (<c>llama</c>, <c>qwen2</c>, <c>gpt2</c>, …).</summary>
    public abstract string ModelType { get; }

    /// <summary>[B, T] token ids -> [B, T, hidden] after the final norm.</summary>
    public abstract Tensor HiddenStates(Tensor inputIds, DecoderContext context);

    /// <summary>[.., hidden] -> [.., vocab] logits.</summary>
    public abstract Tensor Logits(Tensor hiddenStates);

    /// <summary>The Hugging Face config.json for this model.</summary>
    public abstract string ToConfigJson();

    /// <summary>Logits for unpadded sequences (training, scoring).</summary>
    public Tensor Forward(Tensor inputIds) =>
        Logits(HiddenStates(inputIds, DecoderContext.Causal(inputIds.shape[0], inputIds.shape[1], inputIds.device)));

    public Tensor Forward(Tensor inputIds, DecoderContext context) => Logits(HiddenStates(inputIds, context));

    public KvCache CreateCache(long batch, long capacity)
    {
        var reference = parameters().First();
        return new KvCache(Shape.Layers, batch, Shape.KvHeads, capacity, Shape.HeadDim, reference.dtype, reference.device);
    }

    public long ParameterCount(bool trainableOnly = false) =>
        parameters().Where(p => !trainableOnly || p.requires_grad).Sum(p => p.numel());

    public Device Device => parameters().First().device;

    public ScalarType DType => parameters().First().dtype;
}
