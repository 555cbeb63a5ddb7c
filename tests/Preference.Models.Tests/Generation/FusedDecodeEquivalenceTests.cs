using Preference.Models.Generation;
using Preference.Models.Generation.CpuFastPath;
using Preference.Models.Llama;
using Preference.Models.Loading;
using Preference.Models.Tests.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Generation;

/// <summary>The fused CPU decoder is the same model as the torch forward pass: same logits at every step, same tokens.</summary>
public sealed class FusedDecodeEquivalenceTests
{
    const float LogitTolerance = 1e-4f;

    static IReadOnlyList<int> Prompt(params int[] ids) => ids;

    // Left-padded rows of different lengths, and more rows than the machine has threads, so the batch splits unevenly.
    static IReadOnlyList<int>[] MixedPrompts => [Prompt(1), Prompt(1, 5, 9, 14, 3), Prompt(1, 7), Prompt(1, 2, 3, 4, 5, 6, 7, 8), Prompt(1, 30, 11)];

    [Theory]
    [MemberData(nameof(FusedDecodeConfigs.Names), MemberType = typeof(FusedDecodeConfigs))]
    public void Fused_logits_equal_the_torch_forward_at_every_step(string config)
    {
        using var model = FusedDecodeConfigs.Model(config);
        AssertStepLogitsMatchTorch(model, MixedPrompts, steps: 12);
    }

    [Fact]
    public void Fused_logits_equal_the_torch_forward_for_stories260K_batch_1_and_padded_batch()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        AssertStepLogitsMatchTorch(model, [Prompt(1)], steps: 16);
        AssertStepLogitsMatchTorch(model, [Prompt(1, 403, 407, 261), Prompt(1), Prompt(1, 300, 301), Prompt(1, 9)], steps: 10);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Rows_split_across_workers_give_the_same_logits_as_one_worker(int threads)
    {
        using var model = FusedDecodeConfigs.Model("gqa, half-split rotary, untied");
        IReadOnlyList<int>[] nineRows = [.. MixedPrompts, .. MixedPrompts.Take(4)];
        AssertStepLogitsMatchTorch(model, nineRows, steps: 6, threads);
    }

    [Fact]
    public void A_long_single_prompt_splits_its_matmuls_across_workers_and_gives_the_same_logits()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        // 160 positions x 64 x 172 is past the size at which one matmul is split over output slices.
        var prompt = Prompt([1, .. Enumerable.Range(0, 159).Select(i => 3 + i * 7 % 500)]);
        AssertStepLogitsMatchTorch(model, [prompt], steps: 3, threads: 2);
    }

    [Fact]
    public void A_batched_generation_leaves_torchs_thread_count_as_it_found_it()
    {
        using var model = FusedDecodeConfigs.Model("gqa, half-split rotary, untied");
        int before = torch.get_num_threads();
        using var output = BatchGenerator.Generate(model, MixedPrompts, new GenerationOptions { MaxNewTokens = 4, Temperature = 0, PadTokenId = 0 });
        Assert.Equal(before, torch.get_num_threads());
    }

    [Fact]
    public void Fused_logits_reproduce_llama2c_reference_logits()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        model.eval();
        var greedy = Stories260K.ReferenceGreedyTokens;
        var reference = Stories260K.ReferenceLogits;
        using var decoder = FusedLlamaDecoder.TryCreate(model, new GenerationOptions(), 1, 1, 1 + reference.Length)!;
        var logits = decoder.Prefill([Prompt(1)], 0);
        for (int position = 0; position < reference.Length; position++)
        {
            Assert.True(TinyModels.MaxAbsDifference(reference[position], Row(logits, 0)) < LogitTolerance, $"position {position}");
            if (position + 1 < reference.Length) logits = decoder.Decode(tensor(new long[] { greedy[position] }));
        }
    }

    [Fact]
    public void Fused_greedy_from_BOS_reproduces_llama2c_token_for_token()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        var options = new GenerationOptions { MaxNewTokens = 64, Temperature = 0, PadTokenId = 0 };
        Assert.Null(FusedCpuEligibility.WhyNot(model, options));
        using var output = BatchGenerator.Generate(model, [Prompt(1)], options);
        Assert.Equal(Stories260K.ReferenceGreedyTokens, output.CompletionTokens(null)[0]);
    }

    [Theory]
    [MemberData(nameof(FusedDecodeConfigs.Names), MemberType = typeof(FusedDecodeConfigs))]
    public void Fused_and_torch_generation_give_identical_greedy_and_seeded_outputs(string config)
    {
        using var model = FusedDecodeConfigs.Model(config);
        AssertSameGeneration(model, MixedPrompts, new GenerationOptions { MaxNewTokens = 20, Temperature = 0, PadTokenId = 0 });
        AssertSameGeneration(model, MixedPrompts, new GenerationOptions { MaxNewTokens = 20, Temperature = 1.0, Seed = 5, PadTokenId = 0 });
    }

    [Fact]
    public void Fused_and_torch_sampling_on_stories260K_are_token_for_token_identical_with_eos_top_k_and_top_p()
    {
        using var model = Llama2cCheckpoint.Load(Stories260K.Model);
        IReadOnlyList<int>[] batchOf9 = [.. Enumerable.Range(0, 9).Select(i => i % 3 == 0 ? Prompt(1, 403, 407) : Prompt(1))];
        AssertSameGeneration(model, [Prompt(1)], new GenerationOptions { MaxNewTokens = 48, Temperature = 0.9, Seed = 3, PadTokenId = 0 });
        AssertSameGeneration(model, batchOf9, new GenerationOptions { MaxNewTokens = 40, Temperature = 1.0, TopK = 20, Seed = 8, EosTokenId = 2, PadTokenId = 0 });
        AssertSameGeneration(model, batchOf9, new GenerationOptions { MaxNewTokens = 40, Temperature = 0.8, TopP = 0.9, Seed = 9, EosTokenId = 2, PadTokenId = 0 });
    }

    [Fact]
    public void Weights_changed_between_generations_are_seen_by_the_next_one()
    {
        using var model = FusedDecodeConfigs.Model("gqa, half-split rotary, untied");
        var options = new GenerationOptions { MaxNewTokens = 12, Temperature = 0, PadTokenId = 0 };
        using var before = BatchGenerator.Generate(model, MixedPrompts, options);
        using (no_grad())
            foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.Contains("layers.1.mlp")))
                parameter.mul_(-2.0);
        using var after = BatchGenerator.Generate(model, MixedPrompts, options);
        using var torchAfter = BatchGenerator.Generate(model, MixedPrompts, options with { UseFusedCpuKernel = false });
        Assert.NotEqual(before.CompletionTokens(null), after.CompletionTokens(null));
        Assert.Equal(torchAfter.CompletionTokens(null), after.CompletionTokens(null));
    }

    [Fact]
    public void The_rotary_layout_changes_the_logits_so_the_comparisons_would_catch_a_swap()
    {
        using var halfSplit = TinyModels.Llama(FusedDecodeConfigs.All["gqa, half-split rotary, untied"], seed: 4);
        using var adjacent = TinyModels.Llama(FusedDecodeConfigs.All["gqa, half-split rotary, untied"] with { RopeInterleaved = true }, seed: 4);
        var tokens = TinyModels.Tokens(61, 10);
        Assert.True(TinyModels.MaxAbsDifference(TinyModels.Logits(halfSplit, tokens), TinyModels.Logits(adjacent, tokens)) > 100 * LogitTolerance);
    }

    /// <summary>Feeds the same random continuation to the fused decoder and checks each step against a plain forward pass per row.</summary>
    static void AssertStepLogitsMatchTorch(LlamaForCausalLM model, IReadOnlyList<int>[] prompts, int steps, int? threads = null)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var random = new Random(17);
        int vocab = model.Config.VocabSize, promptLength = prompts.Max(p => p.Count);
        var fed = prompts.Select(_ => Enumerable.Range(0, steps).Select(_ => random.Next(3, vocab)).ToArray()).ToArray();
        using var decoder = FusedLlamaDecoder.TryCreate(model, new GenerationOptions(), prompts.Length, promptLength, promptLength + steps, threads)
            ?? throw new InvalidOperationException("the fused decoder refused a model it should run");
        var logits = decoder.Prefill(prompts, 0);
        for (int step = 0; step < steps; step++)
        {
            for (int row = 0; row < prompts.Length; row++)
            {
                var sequence = tensor(prompts[row].Concat(fed[row].Take(step)).Select(t => (long)t).ToArray()).unsqueeze(0);
                var expected = model.Forward(sequence)[0, -1].data<float>().ToArray();
                float difference = TinyModels.MaxAbsDifference(expected, Row(logits, row));
                Assert.True(difference < LogitTolerance, $"row {row}, step {step}: max |fused - torch| = {difference}");
            }
            if (step + 1 < steps) logits = decoder.Decode(tensor(fed.Select(f => (long)f[step]).ToArray()));
        }
    }

    static void AssertSameGeneration(CausalLanguageModel model, IReadOnlyList<int>[] prompts, GenerationOptions options)
    {
        Assert.Null(FusedCpuEligibility.WhyNot(model, options));
        using var fused = BatchGenerator.Generate(model, prompts, options);
        using var reference = BatchGenerator.Generate(model, prompts, options with { UseFusedCpuKernel = false });
        Assert.Equal(reference.CompletionIds.data<long>().ToArray(), fused.CompletionIds.data<long>().ToArray());
        Assert.Equal(reference.CompletionMask.data<long>().ToArray(), fused.CompletionMask.data<long>().ToArray());
        Assert.Equal(reference.Finished.data<bool>().ToArray(), fused.Finished.data<bool>().ToArray());
        Assert.Equal(reference.EndedWithEos.data<bool>().ToArray(), fused.EndedWithEos.data<bool>().ToArray());
        Assert.Equal(reference.PromptIds.data<long>().ToArray(), fused.PromptIds.data<long>().ToArray());
        float logProbDifference = TinyModels.MaxAbsDifference(reference.CompletionLogProbs.data<float>().ToArray(), fused.CompletionLogProbs.data<float>().ToArray());
        Assert.True(logProbDifference < LogitTolerance, $"log-probs differ by {logProbDifference}");
    }

    static float[] Row(Tensor logits, int row) => logits[row].data<float>().ToArray();
}
