using Preference.Models.Tokenization;
using Preference.Training.Common;
using Preference.Training.Data;

namespace Preference.Training.Sft;

/// <summary>The tokenized training and validation sets of a run and a fingerprint of what produced them.</summary>
public sealed record SftData(TokenizedSet Train, TokenizedSet Validation, string Fingerprint)
{
    /// <summary>Reads, splits (or reads the validation file), tokenizes with prompt masking and optionally packs.</summary>
    public static async Task<SftData> LoadAsync(SftConfig config, ModelTokenizer tokenizer, CancellationToken cancellationToken)
    {
        var template = (config.ChatTemplate is { } name
                           ? ChatTemplate.FromName(name) ?? throw new SftDataException(
                               $"chat_template '{name}' is not one of {string.Join(", ", ChatTemplate.BuiltIn.Select(t => t.Name))}")
                           : tokenizer.ChatTemplate)
                       ?? ChatTemplate.HumanAssistant;
        var records = await SftDatasetReader.ReadAsync(config.TrainFile!, cancellationToken);
        IReadOnlyList<SftRecord> train = records, validation = [];
        if (config.ValidationFile is { } validationFile)
            validation = await SftDatasetReader.ReadAsync(validationFile, cancellationToken);
        else
            (train, validation) = SftSplit.Split(records, config.ValidationSplit, config.Seed);

        var trainSet = SftTokenization.Tokenize(train, tokenizer, template, config.MaxLength, !config.CompletionOnlyLoss);
        var validationSet = SftTokenization.Tokenize(validation, tokenizer, template, config.MaxLength, !config.CompletionOnlyLoss);
        if (trainSet.Examples.Count == 0) throw new SftDataException($"{config.TrainFile}: no example has a token to learn within max_length {config.MaxLength}");
        if (config.Packing)
            trainSet = trainSet with { Examples = SftTokenization.Pack(trainSet.Examples, config.MaxLength) };
        return new SftData(trainSet, validationSet, ComputeFingerprint(config, trainSet));
    }

    // A resumed run must see the same examples in the same order; the config minus resume-neutral fields and the
    // tokens themselves decide that.
    static string ComputeFingerprint(SftConfig config, TokenizedSet train)
    {
        using var fingerprint = new InputFingerprint();
        fingerprint.Add(config with { ForgettingSamples = 0, PeakFlops = 0 });
        foreach (var example in train.Examples) fingerprint.Add(example.Ids, 0xFF);
        return fingerprint.Value();
    }
}
