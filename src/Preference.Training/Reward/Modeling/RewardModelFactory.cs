using Preference.Models;
using Preference.Models.Llama;
using Preference.Models.Tokenization;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Training;
using Preference.Training.Reward.Vocabulary;
using TorchSharp;

namespace Preference.Training.Reward.Modeling;

/// <summary>Builds the reward model a config asks for: a pretrained trunk to fine-tune, or a fresh one with its own vocabulary.</summary>
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
        var network = new RewardNetwork(trunk, config.Pooling, config.HeadDropout, FeatureHeadFor(config.Features, trainPairs));
        network.to(device);
        Freeze(network, config.FrozenLayers);
        return new RewardModel(network, new TokenWindow(tokenizer, config.MaxLength, config.Context, config.Features));
    }

    /// <summary>A zero-initialised feature head standardised on every distinct training completion, or null.</summary>
    static FeatureHead? FeatureHeadFor(RewardFeatures features, IReadOnlyList<RewardPair> trainPairs)
    {
        if (features == RewardFeatures.None) return null;
        var rows = trainPairs.SelectMany(p => new[] { (p.Prompt, p.Chosen), (p.Prompt, p.Rejected) }).Distinct()
            .AsParallel().AsOrdered().Select(t => GroundingFeatures.Of(t.Item1, t.Item2)).ToList();
        var (mean, std) = FeatureHead.Standardisation(rows);
        return new FeatureHead(mean, std);
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

    /// <summary>Embeddings and the lowest <paramref name="layers"/> layers stop learning; the rest and the head train.</summary>
    public static void Freeze(RewardNetwork network, int layers)
    {
        if (layers <= 0) return;
        if (layers > network.Trunk.Shape.Layers)
            throw new ArgumentException($"frozen_layers: {layers} exceeds the model's {network.Trunk.Shape.Layers} layers");
        foreach (var (name, parameter) in network.Trunk.named_parameters())
        {
            bool frozen = name.Contains("embed_tokens") || name.Contains("wte") || name.Contains("wpe")
                          || Enumerable.Range(0, layers).Any(i => name.Contains($"layers.{i}.") || name.Contains($"h.{i}."));
            if (frozen) parameter.requires_grad = false;
        }
    }
}
