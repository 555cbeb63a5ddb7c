using Preference.Core.Judging;
using Preference.Models;
using Preference.Models.Generation;
using Preference.Models.Tokenization;

namespace Preference.Training.Evaluation;

/// <summary>How `pref eval winrate` samples.</summary>
public sealed record WinRateOptions
{
    public int MaxNewTokens { get; init; } = 64;
    public double Temperature { get; init; } = 1.0;
    public int? StopTokenId { get; init; }
    /// <summary>Completions per prompt and model; more gives a tighter interval from few prompts.</summary>
    public int SamplesPerPrompt { get; init; } = 1;
    public int BatchSize { get; init; } = 64;
    public long Seed { get; init; } = 1234;
    /// <summary>Judged pairs written into the report.</summary>
    public int KeptSamples { get; init; } = 16;
}

/// <summary>
/// Held-out evaluation of a trained policy: policy and baseline complete the same prompts with the same seed, a judge
/// compares each pair, and both sets of completions are measured against the reference (KL, perplexity).
/// </summary>
/// <param name="judgeParallelism">Comparisons judged at once (the judge config's <c>parallelism</c>).</param>
public sealed class WinRateEvaluation(CausalLanguageModel policy, CausalLanguageModel baseline, CausalLanguageModel reference,
    ModelTokenizer tokenizer, IJudge judge, int judgeParallelism = 4)
{
    public async Task<WinRateReport> RunAsync(IReadOnlyList<string> prompts, WinRateOptions options, CancellationToken cancellationToken = default)
    {
        if (prompts.Count == 0) throw new ArgumentException("--prompts: no prompts to evaluate on");
        if (options.SamplesPerPrompt < 1) throw new ArgumentException("--samples-per-prompt: must be at least 1");
        var all = prompts.SelectMany(p => Enumerable.Repeat(p, options.SamplesPerPrompt)).ToList();
        var generation = new GenerationOptions
        {
            MaxNewTokens = options.MaxNewTokens,
            Temperature = options.Temperature,
            EosTokenId = options.StopTokenId ?? tokenizer.EosId,
            PadTokenId = tokenizer.PadId,
            TokenizerVocabSize = tokenizer.VocabSize,
        };
        var outcomes = new List<PairwiseOutcome>();
        var samples = new List<WinRateSample>();
        var policySums = new List<ReferenceSums>();
        var baselineSums = new List<ReferenceSums>();
        for (int start = 0; start < all.Count; start += options.BatchSize)
        {
            var batch = all.Skip(start).Take(options.BatchSize).ToList();
            var encoded = batch.Select(p => tokenizer.Encode(p, addBos: true)).ToList();
            var seeded = generation with { Seed = options.Seed + start };
            using var policyOut = BatchGenerator.Generate(policy, encoded, seeded, cancellationToken);
            using var baselineOut = BatchGenerator.Generate(baseline, encoded, seeded, cancellationToken);
            policySums.Add(ReferenceMetrics.Measure(policy, reference, policyOut, options.Temperature));
            baselineSums.Add(ReferenceMetrics.Measure(baseline, reference, baselineOut, options.Temperature));
            var policyTexts = policyOut.CompletionTokens(generation.EosTokenId).Select((c, i) => tokenizer.DecodeContinuation(encoded[i], c)).ToList();
            var baselineTexts = baselineOut.CompletionTokens(generation.EosTokenId).Select((c, i) => tokenizer.DecodeContinuation(encoded[i], c)).ToList();
            var comparisons = batch.Select((p, i) => new PairwiseComparison($"p{start + i}", p, policyTexts[i], baselineTexts[i])).ToList();
            var judged = await judge.CompareAsync(comparisons, judgeParallelism, cancellationToken);
            outcomes.AddRange(judged);
            for (int i = 0; i < batch.Count && samples.Count < options.KeptSamples; i++)
                samples.Add(new WinRateSample(batch[i], policyTexts[i], baselineTexts[i], judged[i].ToString().ToLowerInvariant()));
        }

        var rate = WinRate.Of(outcomes);
        var (low, high) = rate.Interval95;
        return new WinRateReport
        {
            Judge = judge.Identity.Name,
            Prompts = prompts.Count,
            Comparisons = outcomes.Count,
            Wins = rate.Wins,
            Ties = rate.Ties,
            Losses = rate.Losses,
            Failed = rate.Failed,
            WinRate = rate.Rate,
            CiLow = low,
            CiHigh = high,
            MeanKlPolicy = policySums.Sum(s => s.KlSum) / policySums.Sum(s => s.Samples),
            MeanKlBaseline = baselineSums.Sum(s => s.KlSum) / baselineSums.Sum(s => s.Samples),
            ReferencePerplexityPolicy = Math.Exp(policySums.Sum(s => s.ReferenceNllSum) / Math.Max(1, policySums.Sum(s => s.Tokens))),
            ReferencePerplexityBaseline = Math.Exp(baselineSums.Sum(s => s.ReferenceNllSum) / Math.Max(1, baselineSums.Sum(s => s.Tokens))),
            Samples = samples,
        };
    }
}
