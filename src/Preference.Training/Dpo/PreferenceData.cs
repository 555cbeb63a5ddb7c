using Preference.Models.Tokenization;
using Preference.Training.Common;
using Preference.Training.Reward.Data;

namespace Preference.Training.Dpo;

/// <summary>One tokenized comparison: the chosen and the rejected completion of a prompt.</summary>
/// <param name="Margin">The pair's <c>margin</c> field (0 when absent).</param>
/// <param name="Tie">Ranked equal (kept only with ties: loss).</param>
public sealed record PreferenceExample(CompletionTokens Chosen, CompletionTokens Rejected, double Margin, bool Tie);

/// <summary>One tokenized completion with a thumbs-up (desirable) or thumbs-down label, for KTO.</summary>
public sealed record LabeledExample(CompletionTokens Tokens, bool Desirable);

/// <summary>
/// The tokenized training and validation sets of a DPO-family run (pairs) or a KTO run (labelled completions), what
/// had to be cut, and a fingerprint of config and tokens for resume.
/// </summary>
public sealed record PreferenceData
{
    public IReadOnlyList<PreferenceExample> TrainPairs { get; init; } = [];
    public IReadOnlyList<PreferenceExample> ValidationPairs { get; init; } = [];
    public IReadOnlyList<LabeledExample> TrainLabeled { get; init; } = [];
    public IReadOnlyList<LabeledExample> ValidationLabeled { get; init; } = [];

    /// <summary>Rows whose completion was cut at the end to fit max_length.</summary>
    public int Truncated { get; init; }

    /// <summary>Rows left out because no completion token fits after the prompt.</summary>
    public int Dropped { get; init; }

    public required string Fingerprint { get; init; }

    public int TrainCount => TrainPairs.Count + TrainLabeled.Count;
    public int ValidationCount => ValidationPairs.Count + ValidationLabeled.Count;

    /// <exception cref="RewardDataException">A file that cannot be used, naming it, the record and the field.</exception>
    public static async Task<PreferenceData> LoadAsync(DpoConfig config, ModelTokenizer tokenizer, CancellationToken cancellationToken)
    {
        return config.Loss == PreferenceLossType.Kto
            ? await LoadLabeledAsync(config, tokenizer, cancellationToken)
            : await LoadPairsAsync(config, tokenizer, cancellationToken);
    }

    static async Task<PreferenceData> LoadPairsAsync(DpoConfig config, ModelTokenizer tokenizer, CancellationToken cancellationToken)
    {
        var pairs = await RewardDataReader.ReadFileAsync(config.TrainFile!, config.Ties, cancellationToken: cancellationToken);
        IReadOnlyList<RewardPair> train = pairs, validation = [];
        if (config.ValidationFile is { } validationFile)
            validation = await RewardDataReader.ReadFileAsync(validationFile, config.Ties, cancellationToken: cancellationToken);
        else if (config.ValidationSplit > 0)
            (train, validation) = PromptSplit.Split(pairs, config.ValidationSplit, (int)config.Seed);

        int truncated = 0, dropped = 0;
        List<PreferenceExample> Tokenize(IEnumerable<RewardPair> rows)
        {
            var examples = new List<PreferenceExample>();
            foreach (var pair in rows)
            {
                var chosen = CompletionTokens.Tokenize(pair.Prompt, pair.Chosen, tokenizer, config.MaxLength, out bool cutChosen);
                var rejected = CompletionTokens.Tokenize(pair.Prompt, pair.Rejected, tokenizer, config.MaxLength, out bool cutRejected);
                if (chosen is null || rejected is null) { dropped++; continue; }
                if (cutChosen || cutRejected) truncated++;
                examples.Add(new PreferenceExample(chosen, rejected, pair.Margin, pair.Tie));
            }
            return examples;
        }
        var trainSet = Tokenize(train);
        if (trainSet.Count == 0)
            throw new RewardDataException(config.TrainFile!, $"no pair has a completion token within max_length {config.MaxLength}");
        var validationSet = Tokenize(validation);
        return new PreferenceData
        {
            TrainPairs = trainSet, ValidationPairs = validationSet, Truncated = truncated, Dropped = dropped,
            Fingerprint = ComputeFingerprint(config, trainSet.SelectMany(p => new[] { p.Chosen, p.Rejected })),
        };
    }

    static async Task<PreferenceData> LoadLabeledAsync(DpoConfig config, ModelTokenizer tokenizer, CancellationToken cancellationToken)
    {
        var rows = await LabeledCompletionReader.ReadFileAsync(config.TrainFile!, cancellationToken);
        IReadOnlyList<LabeledCompletion> train = rows, validation = [];
        if (config.ValidationFile is { } validationFile)
            validation = await LabeledCompletionReader.ReadFileAsync(validationFile, cancellationToken);
        else if (config.ValidationSplit > 0)
            (train, validation) = PromptSplit.Split(rows, r => r.Prompt, config.ValidationSplit, (int)config.Seed);

        int truncated = 0, dropped = 0;
        List<LabeledExample> Tokenize(IEnumerable<LabeledCompletion> items)
        {
            var examples = new List<LabeledExample>();
            foreach (var row in items)
            {
                var tokens = CompletionTokens.Tokenize(row.Prompt, row.Completion, tokenizer, config.MaxLength, out bool cut);
                if (tokens is null) { dropped++; continue; }
                if (cut) truncated++;
                examples.Add(new LabeledExample(tokens, row.Desirable));
            }
            return examples;
        }
        var trainSet = Tokenize(train);
        if (trainSet.Count == 0)
            throw new RewardDataException(config.TrainFile!, $"no row has a completion token within max_length {config.MaxLength}");
        var validationSet = Tokenize(validation);
        return new PreferenceData
        {
            TrainLabeled = trainSet, ValidationLabeled = validationSet, Truncated = truncated, Dropped = dropped,
            Fingerprint = ComputeFingerprint(config, trainSet.Select(e => e.Tokens)),
        };
    }

    // A resumed run must see the same examples in the same order: the config minus resume-neutral fields and the
    // tokens themselves decide that.
    static string ComputeFingerprint(DpoConfig config, IEnumerable<CompletionTokens> tokens)
    {
        using var fingerprint = new InputFingerprint();
        fingerprint.Add(config with { PeakFlops = 0 });
        foreach (var example in tokens) fingerprint.Add(example.Prompt, 0xFE).Add(example.Completion, 0xFF);
        return fingerprint.Value();
    }
}
