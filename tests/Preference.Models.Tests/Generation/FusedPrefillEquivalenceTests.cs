using Preference.Models.Decoding;
using Preference.Models.Generation.CpuFastPath;
using Preference.Models.Llama;
using Preference.Models.Loading;
using Preference.Models.Tests.Loading;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Generation;

/// <summary>
/// The fused whole-sequence forward (reward scoring's) gives the torch forward's final hidden states at every position
/// of every sequence, whatever the lengths in one call and however many workers share them.
/// </summary>
public sealed class FusedPrefillEquivalenceTests
{
    const float Tolerance = 1e-4f;

    static int[][] Sequences(int vocab, params int[] lengths)
    {
        var random = new Random(23);
        return lengths.Select(length => Enumerable.Range(0, length).Select(_ => random.Next(3, vocab)).ToArray()).ToArray();
    }

    [Theory]
    [MemberData(nameof(FusedDecodeConfigs.Names), MemberType = typeof(FusedDecodeConfigs))]
    public void Fused_hidden_states_equal_the_torch_forward_at_every_position(string config)
    {
        using var model = FusedDecodeConfigs.Model(config);
        AssertHiddenStatesMatchTorch(model, Sequences(model.Config.VocabSize, 1, 9, 3, 17, 8), threads: 2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Stories260K_sequences_of_mixed_lengths_match_the_torch_forward_on_one_or_two_workers(int threads)
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        // Past one key block, a lone short sequence, and more sequences than workers.
        AssertHiddenStatesMatchTorch(model, Sequences(model.Config.VocabSize, 69, 1, 94, 40, 12, 128, 33), threads);
    }

    [Fact]
    public void A_token_outside_the_vocabulary_is_an_error_not_a_read_past_the_embedding()
    {
        using var model = FusedDecodeConfigs.Model("gqa, half-split rotary, untied");
        using var prefill = FusedLlamaPrefill.TryCreate(model, maxLength: 16)!;
        int[][] sequences = [[1, 2, 3], [1, model.Config.VocabSize]];
        Assert.Throws<ArgumentOutOfRangeException>(() => prefill.Run(sequences.Length, i => sequences[i], (_, _, _) => { }));
    }

    [Fact]
    public void Sequences_longer_than_the_rotary_tables_keep_the_torch_path()
    {
        using var model = FusedDecodeConfigs.Model("gqa, half-split rotary, untied");
        Assert.Null(FusedLlamaPrefill.TryCreate(model, maxLength: model.Config.MaxPositionEmbeddings + 1));
        Assert.NotNull(FusedLlamaPrefill.TryCreate(model, maxLength: model.Config.MaxPositionEmbeddings));
    }

    [Fact]
    public void Gpt2_keeps_the_torch_path()
    {
        using var model = TinyModels.Gpt2(TinyModels.Gpt2Config);
        Assert.Null(FusedLlamaPrefill.TryCreate(model, maxLength: 8));
    }

    static void AssertHiddenStatesMatchTorch(LlamaForCausalLM model, int[][] sequences, int threads)
    {
        model.eval();
        using var prefill = FusedLlamaPrefill.TryCreate(model, sequences.Max(s => s.Length), threads)
            ?? throw new InvalidOperationException("the fused prefill refused a model it should run");
        var fused = new float[sequences.Length][];
        prefill.Run(sequences.Length, i => sequences[i], (i, hidden, length) =>
        {
            Assert.Equal(sequences[i].Length, length);
            fused[i] = hidden.ToArray();
        });

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < sequences.Length; i++)
        {
            var ids = tensor(sequences[i].Select(t => (long)t).ToArray()).unsqueeze(0);
            var expected = model.HiddenStates(ids, DecoderContext.Causal(1, sequences[i].Length, CPU)).flatten().data<float>().ToArray();
            float difference = TinyModels.MaxAbsDifference(expected, fused[i]);
            Assert.True(difference < Tolerance, $"sequence {i} ({sequences[i].Length} tokens): max |fused - torch| = {difference}");
        }
    }
}
