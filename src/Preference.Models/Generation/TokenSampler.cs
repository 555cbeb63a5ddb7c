using Preference.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Generation;

/// <summary>
/// Turns a batch of next-token logits into tokens and their log-probabilities. The log-probability is taken under
/// the temperature-scaled distribution before top-k/top-p filtering, as PPO implementations (TRL) compute it.
/// Ids the tokenizer does not have (<see cref="GenerationOptions.TokenizerVocabSize"/>) get no probability at all.
/// </summary>
public sealed class TokenSampler(GenerationOptions options, torch.Generator? generator)
{
    // Ids past the tokenizer are the tail of the vocabulary, so leaving them out is a view of the first ids: the same
    // distribution as -inf logits there, with no mask to build and nothing computed per step.
    readonly long _sampledIds = options.TokenizerVocabSize ?? long.MaxValue;

    /// <summary>[B, V] logits -> ([B] tokens, [B] log-probs).</summary>
    public (Tensor Tokens, Tensor LogProbs) Sample(Tensor logits)
    {
        if (_sampledIds < logits.shape[^1]) logits = logits.narrow(-1, 0, _sampledIds);
        logits = logits.to(ScalarType.Float32);
        if (options.IsGreedy)
        {
            var greedy = logits.argmax(-1, keepdim: true);
            return (greedy.squeeze(-1), logits.log_softmax(-1).gather(-1, greedy).squeeze(-1));
        }

        var scaled = logits / options.Temperature;
        var logProbs = scaled.log_softmax(-1);
        var filtered = scaled;
        if (options.TopK > 0 && options.TopK < logits.shape[^1])
        {
            var kth = filtered.topk(options.TopK, -1).values.narrow(-1, options.TopK - 1, 1);
            filtered = filtered.masked_fill(filtered.lt(kth), MaskValues.NegativeInfinity);
        }
        if (options.TopP < 1.0)
        {
            var (sorted, order) = filtered.sort(-1, descending: true);
            var probabilities = sorted.softmax(-1);
            // Drop a token when the tokens ranked above it already reach p; the most likely token always stays.
            var drop = (probabilities.cumsum(-1) - probabilities).gt(options.TopP);
            filtered = filtered.scatter(-1, order, sorted.masked_fill(drop, MaskValues.NegativeInfinity));
        }
        // Inverse-CDF sampling: one uniform draw per row located in the cumulative distribution. On the CPU this is
        // several times cheaper than multinomial for a batch, and just as exact.
        var cumulative = filtered.softmax(-1).cumsum(-1);
        var uniform = rand([logits.shape[0], 1], generator: generator, device: logits.device) * cumulative.narrow(-1, cumulative.shape[^1] - 1, 1);
        var tokens = searchsorted(cumulative, uniform, right: true).clamp_max(logits.shape[^1] - 1);
        return (tokens.squeeze(-1), logProbs.gather(-1, tokens).squeeze(-1));
    }
}
