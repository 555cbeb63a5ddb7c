using Preference.Models;
using Preference.Models.Generation;
using Preference.Models.Tokenization;

namespace Preference.Cli.Rewards;

/// <summary>
/// Baseline completions for a judge reward: the reference policy's completion of each prompt, sampled once with a
/// fixed seed and remembered, so every PPO step compares against the same baseline for the same prompt.
/// </summary>
public sealed class ReferenceBaseline(CausalLanguageModel reference, ModelTokenizer tokenizer, GenerationOptions options)
{
    readonly Dictionary<string, string> _cache = [];

    public Task<IReadOnlyList<string>> CompleteAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken)
    {
        var missing = prompts.Distinct().Where(p => !_cache.ContainsKey(p)).ToList();
        if (missing.Count > 0)
        {
            var encoded = missing.Select(p => tokenizer.Encode(p, addBos: true)).ToList();
            using var output = BatchGenerator.Generate(reference, encoded,
                options with { PadTokenId = tokenizer.PadId, TokenizerVocabSize = tokenizer.VocabSize }, cancellationToken);
            var tokens = output.CompletionTokens(options.EosTokenId);
            for (int i = 0; i < missing.Count; i++) _cache[missing[i]] = tokenizer.DecodeContinuation(encoded[i], tokens[i]);
        }
        return Task.FromResult<IReadOnlyList<string>>(prompts.Select(p => _cache[p]).ToList());
    }
}
