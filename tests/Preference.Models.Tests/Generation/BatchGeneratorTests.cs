using Preference.Models.Generation;
using Preference.Models.Llama;
using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Generation;

public sealed class BatchGeneratorTests : IDisposable
{
    const int Bos = 1, Eos = 2;
    readonly LlamaForCausalLM _model = Llama2cCheckpoint.Load(Stories260K.Model);

    static GenerationOptions Greedy(int maxNew = 64) => new() { MaxNewTokens = maxNew, Temperature = 0, PadTokenId = 0 };

    static IReadOnlyList<int> Prompt(params int[] ids) => ids;

    [Fact]
    public void Greedy_from_BOS_reproduces_llama2c_token_for_token()
    {
        using var output = BatchGenerator.Generate(_model, [Prompt(Bos)], Greedy());
        Assert.Equal(Stories260K.ReferenceGreedyTokens, output.CompletionTokens(null)[0]);
    }

    [Fact]
    public void Batched_left_padded_generation_equals_one_prompt_at_a_time()
    {
        var reference = Stories260K.ReferenceGreedyTokens;
        IReadOnlyList<int>[] prompts =
        [
            Prompt(Bos),
            Prompt([Bos, .. reference.Take(5)]),
            Prompt([Bos, 403, 407, 261, 300, 301, 302, 303, 304]),
            Prompt([Bos, .. reference.Take(2)]),
        ];
        using var batched = BatchGenerator.Generate(_model, prompts, Greedy(24));
        var batchedTokens = batched.CompletionTokens(null);
        for (int i = 0; i < prompts.Length; i++)
        {
            using var single = BatchGenerator.Generate(_model, [prompts[i]], Greedy(24));
            Assert.Equal(single.CompletionTokens(null)[0], batchedTokens[i]);
        }
    }

    [Fact]
    public void KV_cache_and_full_recomputation_give_the_same_tokens()
    {
        IReadOnlyList<int>[] prompts = [Prompt(Bos), Prompt(Bos, 403, 407, 261)];
        using var cached = BatchGenerator.Generate(_model, prompts, Greedy(32));
        using var recomputed = BatchGenerator.Generate(_model, prompts, Greedy(32) with { UseKvCache = false });
        Assert.Equal(cached.CompletionTokens(null), recomputed.CompletionTokens(null));
    }

    [Fact]
    public void Sampling_with_the_same_seed_repeats_and_another_seed_differs()
    {
        var options = new GenerationOptions { MaxNewTokens = 40, Temperature = 1.0, TopP = 0.95, Seed = 7, PadTokenId = 0 };
        IReadOnlyList<int>[] prompts = [Prompt(Bos), Prompt(Bos)];
        using var first = BatchGenerator.Generate(_model, prompts, options);
        using var again = BatchGenerator.Generate(_model, prompts, options);
        using var other = BatchGenerator.Generate(_model, prompts, options with { Seed = 8 });
        Assert.Equal(first.CompletionTokens(null), again.CompletionTokens(null));
        Assert.NotEqual(first.CompletionTokens(null), other.CompletionTokens(null));
        Assert.NotEqual(first.CompletionTokens(null)[0], first.CompletionTokens(null)[1]);
    }

    [Fact]
    public void Top_k_of_one_samples_the_greedy_tokens()
    {
        var options = new GenerationOptions { MaxNewTokens = 32, Temperature = 0.8, TopK = 1, Seed = 3, PadTokenId = 0 };
        using var sampled = BatchGenerator.Generate(_model, [Prompt(Bos)], options);
        Assert.Equal(Stories260K.ReferenceGreedyTokens.Take(32), sampled.CompletionTokens(null)[0]);
    }

    [Fact]
    public void Returned_log_probs_equal_a_full_forward_pass_over_prompt_and_completion()
    {
        var options = new GenerationOptions { MaxNewTokens = 20, Temperature = 0.7, Seed = 11, PadTokenId = 0 };
        using var output = BatchGenerator.Generate(_model, [Prompt(Bos, 403, 407), Prompt(Bos)], options);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int row = 0; row < 2; row++)
        {
            var prompt = output.PromptIds[row].masked_select(output.PromptMask[row].to(ScalarType.Bool));
            var completion = output.CompletionIds[row];
            var sequence = cat([prompt, completion]).unsqueeze(0);
            var logits = _model.Forward(sequence)[0] / options.Temperature;
            var predicted = logits.narrow(0, prompt.shape[0] - 1, completion.shape[0]).log_softmax(-1)
                .gather(-1, completion.unsqueeze(-1)).squeeze(-1);
            var difference = (predicted - output.CompletionLogProbs[row]).abs().max().item<float>();
            Assert.True(difference < 1e-4, $"row {row}: max |difference| {difference}");
        }
    }

    [Fact]
    public void A_row_that_emits_EOS_is_masked_afterwards_and_marked_finished()
    {
        // Force EOS: with the reference text's first token as "EOS", greedy ends at once.
        var options = Greedy(10) with { EosTokenId = Stories260K.ReferenceGreedyTokens[0] };
        using var output = BatchGenerator.Generate(_model, [Prompt(Bos), Prompt(Bos, 403)], options);
        var mask = output.CompletionMask.data<long>().ToArray();
        long steps = output.CompletionMask.shape[1];
        Assert.Equal(1, mask[0]);
        Assert.All(mask.Take((int)steps).Skip(1), m => Assert.Equal(0, m));
        Assert.True(output.Finished[0].item<bool>());
        Assert.True(output.EndedWithEos[0].item<bool>());
        Assert.Empty(output.CompletionTokens(Stories260K.ReferenceGreedyTokens[0])[0]);
    }

    [Fact]
    public void A_prompt_longer_than_the_context_is_refused_with_the_numbers()
    {
        var tooLong = Enumerable.Repeat(5, 500).ToArray();
        var error = Assert.Throws<ArgumentException>(() => BatchGenerator.Generate(_model, [tooLong], Greedy(20)));
        Assert.Contains("512", error.Message);
    }

    public void Dispose() => _model.Dispose();
}
