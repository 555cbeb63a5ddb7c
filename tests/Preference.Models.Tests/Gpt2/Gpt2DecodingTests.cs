using Preference.Models.Decoding;
using Preference.Models.Tests.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Gpt2;

public class Gpt2DecodingTests
{
    static readonly long[] Sequence = [4, 11, 27, 3, 3, 19, 8, 22];

    [Fact]
    public void Decoding_token_by_token_with_the_kv_cache_matches_the_full_forward_pass()
    {
        using var model = TinyModels.Gpt2(TinyModels.Gpt2Config);
        using var noGrad = no_grad();
        using var full = model.Forward(tensor(Sequence).unsqueeze(0));
        using var cache = model.CreateCache(1, Sequence.Length);

        const int prompt = 3;
        using var prefill = model.Forward(tensor(Sequence[..prompt]).unsqueeze(0),
            DecoderContext.FromAttentionMask(ones(1, prompt, ScalarType.Int64), prompt, cache, ScalarType.Float32));
        AssertClose(full[0, ..prompt], prefill[0]);
        for (int i = prompt; i < Sequence.Length; i++)
        {
            using var scope = NewDisposeScope();
            var step = model.Forward(tensor(new[] { Sequence[i] }).unsqueeze(0),
                DecoderContext.FromAttentionMask(ones(1, i + 1, ScalarType.Int64), 1, cache, ScalarType.Float32));
            AssertClose(full[0, i], step[0, 0]);
        }
    }

    [Fact]
    public void Left_padding_changes_neither_positions_nor_logits_of_the_real_tokens()
    {
        using var model = TinyModels.Gpt2(TinyModels.Gpt2Config);
        using var noGrad = no_grad();
        using var unpadded = model.Forward(tensor(Sequence[..5]).unsqueeze(0));

        long[] paddedRow = [0, 0, .. Sequence[..5]];
        var padded = tensor(paddedRow).unsqueeze(0);
        var mask = tensor(new long[] { 0, 0, 1, 1, 1, 1, 1 }).unsqueeze(0);
        using var logits = model.Forward(padded, DecoderContext.FromAttentionMask(mask, 7, null, ScalarType.Float32));

        AssertClose(unpadded[0], logits[0, 2..]);
    }

    static void AssertClose(Tensor expected, Tensor actual)
    {
        var worst = (expected - actual).abs().max().item<float>();
        Assert.True(worst < 1e-5, $"max |difference| {worst}");
    }
}
