using Preference.Models.Gpt2;
using Preference.Models.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Loading;

/// <summary>Small models with every parameter random (norm weights too), so a weight that fails to load shows in the logits.</summary>
public static class TinyModels
{
    public static LlamaConfig Qwen2Config => new()
    {
        ModelType = "qwen2",
        VocabSize = 37,
        HiddenSize = 16,
        IntermediateSize = 24,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 32,
        RopeTheta = 1_000_000,
        TieWordEmbeddings = false,
    };

    public static Gpt2Config Gpt2Config => new()
    {
        VocabSize = 29,
        NPositions = 16,
        NEmbd = 8,
        NLayer = 2,
        NHead = 2,
        BosTokenId = 0,
        EosTokenId = 0,
    };

    public static LlamaForCausalLM Llama(LlamaConfig config, int seed = 1) => Randomized(new LlamaForCausalLM(config), seed);

    public static Gpt2LMHeadModel Gpt2(Gpt2Config config, int seed = 1) => Randomized(new Gpt2LMHeadModel(config), seed);

    static T Randomized<T>(T model, int seed) where T : CausalLanguageModel
    {
        var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (_, parameter) in model.named_parameters())
            parameter.copy_(randn(parameter.shape, generator: generator) * 0.3);
        model.eval();
        return model;
    }

    public static Tensor Tokens(int vocab, int length, int seed = 7) =>
        randint(0, vocab, [2, length], generator: new Generator((ulong)seed), dtype: ScalarType.Int64);

    public static float[] Logits(CausalLanguageModel model, Tensor tokens)
    {
        using var noGrad = no_grad();
        using var logits = model.Forward(tokens);
        return logits.to(ScalarType.Float32).flatten().data<float>().ToArray();
    }

    public static float MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
    }
}
