using Preference.Models;
using Preference.Models.Generation;
using Preference.Models.Tokenization;
using Preference.Training.Data;

namespace Preference.Training.Sft;

/// <summary>
/// Catastrophic-forgetting check: texts the base model writes before training stand for its original distribution;
/// the tuned model's perplexity on them, next to the base model's own, shows how much of it was lost.
/// </summary>
public sealed class ForgettingProbe
{
    const int BatchSize = 16;
    readonly IReadOnlyList<TokenizedExample> _texts;
    readonly int _padId;

    ForgettingProbe(IReadOnlyList<TokenizedExample> texts, int padId, double basePerplexity)
    {
        _texts = texts;
        _padId = padId;
        BasePerplexity = basePerplexity;
    }

    public double BasePerplexity { get; }

    public int Count => _texts.Count;

    /// <summary>Samples texts from the model as it is now (temperature 1, own seeded generator: the global RNG is untouched).</summary>
    public static ForgettingProbe Sample(CausalLanguageModel model, ModelTokenizer tokenizer, int samples, int maxTokens, long seed,
        CancellationToken cancellationToken)
    {
        bool wasTraining = model.training;
        model.eval();
        var start = tokenizer.HasBos ? new[] { tokenizer.BosId } : [tokenizer.EosId];
        var options = new GenerationOptions
        {
            MaxNewTokens = maxTokens, Temperature = 1.0, Seed = seed, EosTokenId = tokenizer.EosId,
            PadTokenId = tokenizer.HasPad ? tokenizer.PadId : 0,
            TokenizerVocabSize = tokenizer.VocabSize,
        };
        IReadOnlyList<int[]> completions;
        using (var output = BatchGenerator.Generate(model, Enumerable.Repeat<IReadOnlyList<int>>(start, samples).ToList(), options, cancellationToken))
            completions = output.CompletionTokens(tokenizer.EosId);
        model.train(wasTraining);

        var texts = completions.Where(c => c.Length > 0).Select(c =>
        {
            int[] ids = [.. start, .. c];
            var learned = Enumerable.Repeat(true, ids.Length).ToArray();
            learned[0] = false;
            return new TokenizedExample(ids, learned);
        }).ToList();
        int padId = options.PadTokenId;
        var probe = new ForgettingProbe(texts, padId, double.NaN);
        return new ForgettingProbe(texts, padId, probe.Perplexity(model, cancellationToken));
    }

    public double Perplexity(CausalLanguageModel model, CancellationToken cancellationToken) =>
        _texts.Count == 0 ? double.NaN : Math.Exp(SftLoss.Mean(model, _texts, BatchSize, _padId, cancellationToken));
}
