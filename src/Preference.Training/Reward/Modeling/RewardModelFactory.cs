using Preference.Models;
using Preference.Models.Llama;
using Preference.Models.Tokenization;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Training;
using Preference.Training.Reward.Vocabulary;
using TorchSharp;

namespace Preference.Training.Reward.Modeling;

/// <summary>
/// Builds the reward model a config asks for: a pretrained trunk to fine-tune, or a fresh one with its own vocabulary.
/// What trains (frozen layers) is the trainer's business: <see cref="RewardConfig.Trainable"/>, as in every stage.
/// </summary>
public static class RewardModelFactory
{
    public const string Bundled = "bundled";
    public const string Scratch = "scratch";

    /// <param name="workDirectory">Where a scratch model's learned tokenizer.json is written.</param>
    public static RewardModel Create(RewardConfig config, IReadOnlyList<RewardPair> trainPairs, string workDirectory,
        torch.Device device, CancellationToken cancellationToken = default)
    {
        torch.manual_seed(config.Seed);
        CausalLanguageModel trunk;
        ModelTokenizer tokenizer;
        if (config.BaseModel == Scratch)
        {
            tokenizer = LearnTokenizer(config.Scratch.VocabSize, trainPairs, workDirectory, cancellationToken);
            trunk = new LlamaForCausalLM(ScratchConfig(config, tokenizer));
        }
        else
        {
            var bundle = ModelBundle.Load(config.BaseModel == Bundled ? null : config.BaseModel, torch.CPU);
            (trunk, tokenizer) = (bundle.Model, bundle.Tokenizer);
            if (config.MaxLength > trunk.Shape.MaxPositions)
                throw new ArgumentException($"max_length: {config.MaxLength} exceeds the base model's context of {trunk.Shape.MaxPositions} tokens");
        }
        var network = new RewardNetwork(trunk, config.Pooling, config.HeadDropout, FeatureHeadFor(config, trainPairs));
        if (network.FeatureScore is not null && config.FeatureWarmStart)
        {
            // Start exactly at the feature model: the trunk's heads begin at zero (as LoRA's B does), so the trunk only
            // moves the reward where training finds something the features miss.
            using var noGrad = torch.no_grad();
            foreach (var (_, parameter) in network.Score.named_parameters()) parameter.zero_();
            if (network.PooledScore is { } pooled) foreach (var (_, parameter) in pooled.named_parameters()) parameter.zero_();
        }
        network.to(device);
        return new RewardModel(network, new TokenWindow(tokenizer, config.MaxLength, config.Context, config.Features));
    }

    /// <summary>
    /// A feature head standardised on every distinct training completion; with warm start its weights are the
    /// Bradley–Terry logistic fit of the features alone on the strict training pairs, else zero.
    /// </summary>
    static FeatureHead? FeatureHeadFor(RewardConfig config, IReadOnlyList<RewardPair> trainPairs)
    {
        if (config.Features == RewardFeatures.None) return null;
        var rows = trainPairs.SelectMany(p => new[] { (p.Prompt, p.Chosen, p.Reference), (p.Prompt, p.Rejected, p.Reference) }).Distinct()
            .AsParallel().AsOrdered().Select(t => (Key: t, Features: RewardFeatureSet.Of(config.Features, t.Item1, t.Item2, t.Item3)!))
            .ToDictionary(r => r.Key, r => r.Features);
        var (mean, std) = FeatureHead.Standardisation(rows.Values.ToList());
        var head = new FeatureHead(mean, std);
        if (!config.FeatureWarmStart) return head;
        var differences = trainPairs.Where(p => !p.Tie).Select(p =>
        {
            var chosen = FeatureLogistic.Standardise(rows[(p.Prompt, p.Chosen, p.Reference)], mean, std);
            var rejected = FeatureLogistic.Standardise(rows[(p.Prompt, p.Rejected, p.Reference)], mean, std);
            return chosen.Zip(rejected, (c, r) => c - r).ToArray();
        }).ToList();
        var weights = FeatureLogistic.Fit(differences, config.FeatureL2);
        using (torch.no_grad()) head.Weight.copy_(torch.tensor(weights.Select(w => (float)w).ToArray()).reshape(1, weights.Length));
        return head;
    }

    /// <summary>A byte-level BPE learned from the training pairs only (never from validation or test text).</summary>
    public static ModelTokenizer LearnTokenizer(int vocabSize, IReadOnlyList<RewardPair> trainPairs, string directory,
        CancellationToken cancellationToken = default)
    {
        var texts = trainPairs.Select(p => p.Prompt).Distinct().Concat(trainPairs.SelectMany(p => new[] { p.Chosen, p.Rejected }));
        var json = ByteLevelBpeTrainer.Train(texts, vocabSize, cancellationToken: cancellationToken);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), ByteLevelBpeTrainer.TokenizerConfig().ToJsonString());
        return TokenizerLoader.Load(path);
    }

    static LlamaConfig ScratchConfig(RewardConfig config, ModelTokenizer tokenizer) => new()
    {
        VocabSize = tokenizer.VocabSize,
        HiddenSize = config.Scratch.HiddenSize,
        IntermediateSize = config.Scratch.IntermediateSize,
        NumHiddenLayers = config.Scratch.Layers,
        NumAttentionHeads = config.Scratch.Heads,
        MaxPositionEmbeddings = config.MaxLength,
        TieWordEmbeddings = true,
        RmsNormEps = 1e-5,
        BosTokenId = tokenizer.HasBos ? tokenizer.BosId : null,
        EosTokenId = System.Text.Json.JsonSerializer.SerializeToElement(tokenizer.EosId),
    };
}
