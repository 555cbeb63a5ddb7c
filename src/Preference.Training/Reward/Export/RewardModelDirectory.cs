using System.Text.Json;
using System.Text.Json.Nodes;
using Preference.Models;
using Preference.Models.Heads;
using Preference.Models.Loading;
using Preference.Models.Tokenization;
using Preference.Training.Reward.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Reward.Export;

/// <summary>
/// A reward model as a Hugging Face sequence-classification directory (<see cref="SequenceClassifierDirectory"/>:
/// <c>architectures: [LlamaForSequenceClassification]</c>, <c>num_labels: 1</c>, <c>pad_token_id</c>, the trunk and
/// <c>score.weight</c>, the tokenizer files), so <c>AutoModelForSequenceClassification</c> loads it, plus
/// <see cref="RewardModelCard"/> (reward_model.json) with what config.json has no field for, and a README.md saying
/// what transformers computes and what it leaves out. Our extra heads are stored beside the classifier's tensors,
/// where transformers ignores them (warning about unused weights): a mean-pooled head as <c>pooled_score.weight</c>, a
/// grounding-feature head as <c>feature_score.weight</c>, <c>.mean</c> and <c>.std</c> (reward_model.json names the
/// features in order; they are computed from text, which a transformers forward cannot do, so they are not folded in).
/// Loads our exports and, without reward_model.json, any TRL/OpenRLHF-style *ForSequenceClassification directory,
/// scored as transformers scores it: at the last token that is not the pad.
/// </summary>
public static class RewardModelDirectory
{
    const string PooledScoreWeight = "pooled_score.weight";
    const string FeatureWeight = "feature_score.weight";
    const string FeatureMean = "feature_score.mean";
    const string FeatureStd = "feature_score.std";
    const string ReadmeFileName = "README.md";

    /// <summary>The window a foreign classifier is read with: TRL RewardConfig's default max_length, or less if the model is shorter.</summary>
    const int ForeignMaxLength = 1024;

    static readonly IReadOnlySet<string> ExtraTensors = new HashSet<string> { PooledScoreWeight, FeatureWeight, FeatureMean, FeatureStd };

    public static void Save(Modeling.RewardModel model, string directory, string? baseModel)
    {
        var trunk = model.Network.Trunk;
        var extras = new List<KeyValuePair<string, Tensor>>();
        var configExtras = new Dictionary<string, JsonNode?>();
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            if (model.Network.PooledScore is { } pooled)
                extras.Add(new(PooledScoreWeight, pooled.Weight.detach().to(trunk.DType).cpu().contiguous()));
            if (model.Network.FeatureScore is { } features)
            {
                extras.Add(new(FeatureWeight, features.Weight.detach().cpu().contiguous()));
                extras.Add(new(FeatureMean, features.Mean.detach().cpu().contiguous()));
                extras.Add(new(FeatureStd, features.Std.detach().cpu().contiguous()));
            }
        }
        if (model.Network.PooledScore is not null)
            configExtras["reward_pooling"] = "last_and_mean: reward = score.weight · h[last non-pad token] + pooled_score.weight · mean(h over the " +
                                             "completion's tokens, EOS included); see reward_model.json";
        SequenceClassifierDirectory.Save(trunk, model.Network.Score.Weight, model.Tokenizer, directory, extras, configExtras);

        var card = new RewardModelCard
        {
            MaxLength = model.Window.MaxLength, Pooling = model.Network.Pooling, Context = model.Window.Context,
            BaseModel = baseModel, Normalization = model.Statistics,
            Features = model.Window.Features, FeatureNames = model.Network.FeatureScore is null ? null : RewardFeatureSet.Names(model.Window.Features),
        };
        card.Write(directory);
        File.WriteAllText(Path.Combine(directory, ReadmeFileName), RewardModelReadme.Text(card, model.Tokenizer));
    }

    public static Modeling.RewardModel Load(string directory, Device device)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such reward model directory");
        if (!File.Exists(Path.Combine(directory, RewardModelCard.FileName)))
        {
            if (SequenceClassifierDirectory.IsSequenceClassifier(directory)) return LoadForeign(directory, device);
            throw new InvalidDataException(
                $"{directory}: not a reward model directory (no {RewardModelCard.FileName}, and config.json names no *ForSequenceClassification architecture)");
        }
        var card = RewardModelCard.Read(directory);
        var classifier = SequenceClassifierDirectory.Load(directory, ExtraTensors);
        RewardNetwork? network = null;
        try
        {
            using (classifier.ScoreWeight)
            using (var checkpoint = SafetensorsCheckpoint.Open(directory))
            using (no_grad())
            {
                network = new RewardNetwork(classifier.Trunk, card.Pooling, featureHead: card.Features == RewardFeatures.None ? null : ReadFeatureHead(checkpoint, card.Features));
                network.Score.Weight.copy_(classifier.ScoreWeight);
                if (network.FeatureScore is { } featureHead)
                {
                    using var weight = checkpoint.Read(FeatureWeight, ScalarType.Float32);
                    if (!weight.shape.SequenceEqual(featureHead.Weight.shape))
                        throw new ModelFormatException(checkpoint.FileOf(FeatureWeight), $"'{FeatureWeight}' has shape [{string.Join(", ", weight.shape)}], expected [{string.Join(", ", featureHead.Weight.shape)}]");
                    featureHead.Weight.copy_(weight);
                }
                if (network.PooledScore is { } pooled)
                {
                    if (!checkpoint.Contains(PooledScoreWeight))
                        throw new ModelFormatException(checkpoint.Source, $"weight '{PooledScoreWeight}' is missing; reward_model.json says pooling {card.Pooling}");
                    LoadHead(checkpoint, PooledScoreWeight, pooled);
                }
            }
            var tokenizer = TokenizerLoader.Load(directory);
            network.to(device);
            network.eval();
            return new Modeling.RewardModel(network, new Modeling.TokenWindow(tokenizer, card.MaxLength, card.Context, card.Features))
            {
                Statistics = card.Normalization,
            };
        }
        catch
        {
            if (network is null) classifier.Trunk.Dispose();
            else network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the weights of a directory this class saved into a live model of the same shape (how a run's final model
    /// becomes its best validation step's). The trunk's tensors go through the checkpoint layout, because a llama2.c
    /// trunk keeps its q/k rows in interleaved rotary order while the saved (and reloaded) ones are half-split. Every
    /// trainable tensor must be there with its shape; one the export leaves out (a tied or unused LM head) keeps its value.
    /// </summary>
    public static void LoadWeights(Modeling.RewardModel target, string directory)
    {
        using var saved = Load(directory, target.Device);
        var architecture = HuggingFaceArchitecture.For(target.Network.Trunk);
        var source = saved.Network.state_dict();
        var trainable = target.Network.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToHashSet();
        using var noGrad = no_grad();
        foreach (var (name, tensor) in target.Network.state_dict())
        {
            if (!source.TryGetValue(name, out var value))
            {
                if (trainable.Contains(name)) throw new ModelFormatException(directory, $"trained tensor '{name}' is missing");
                continue;
            }
            using var scope = NewDisposeScope();
            if (name.StartsWith(TrunkPrefix, StringComparison.Ordinal))
            {
                var weightName = name[TrunkPrefix.Length..];
                value = architecture.OutputRowsFromCheckpoint(target.Network.Trunk, weightName,
                    architecture.ToCheckpointLayout(saved.Network.Trunk, weightName, value));
            }
            if (!value.shape.SequenceEqual(tensor.shape))
                throw new ModelFormatException(directory, $"'{name}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", tensor.shape)}]");
            tensor.copy_(value);
        }
    }

    /// <summary>Where <see cref="RewardNetwork"/> registers its trunk in its state dictionary.</summary>
    const string TrunkPrefix = "trunk.";

    /// <summary>
    /// A sequence classifier trained elsewhere (TRL's RewardTrainer, OpenRLHF): the text is the prompt joined with the
    /// completion plus EOS, as TRL trains on it, and the score is read at the last token that is not config.json's
    /// pad_token_id, as transformers reads it (with TRL's default pad = EOS, the token before the EOS).
    /// </summary>
    static Modeling.RewardModel LoadForeign(string directory, Device device)
    {
        var classifier = SequenceClassifierDirectory.Load(directory);
        RewardNetwork? network = null;
        try
        {
            using (classifier.ScoreWeight)
            using (no_grad())
            {
                network = new RewardNetwork(classifier.Trunk, RewardPooling.Last) { ScoreAtLastTokenOtherThan = classifier.PadTokenId };
                network.Score.Weight.copy_(classifier.ScoreWeight);
            }
            var tokenizer = TokenizerLoader.Load(directory);
            network.to(device);
            network.eval();
            int maxLength = Math.Min(ForeignMaxLength, classifier.Trunk.Shape.MaxPositions);
            return new Modeling.RewardModel(network, new Modeling.TokenWindow(tokenizer, maxLength));
        }
        catch
        {
            if (network is null) classifier.Trunk.Dispose();
            else network.Dispose();
            throw;
        }
    }

    static FeatureHead ReadFeatureHead(SafetensorsCheckpoint checkpoint, RewardFeatures features)
    {
        var setName = JsonNamingPolicy.SnakeCaseLower.ConvertName(features.ToString());
        foreach (var name in new[] { FeatureWeight, FeatureMean, FeatureStd })
            if (!checkpoint.Contains(name))
                throw new ModelFormatException(checkpoint.Source, $"weight '{name}' is missing; reward_model.json says features {setName}");
        int count = RewardFeatureSet.Count(features);
        using var mean = checkpoint.Read(FeatureMean, ScalarType.Float32);
        using var std = checkpoint.Read(FeatureStd, ScalarType.Float32);
        if (mean.shape.Length != 1 || mean.shape[0] != count || !std.shape.SequenceEqual(mean.shape))
            throw new ModelFormatException(checkpoint.Source, $"'{FeatureMean}' and '{FeatureStd}' must each hold {count} values (features {setName})");
        return new FeatureHead(mean.data<float>().ToArray(), std.data<float>().ToArray());
    }

    static void LoadHead(SafetensorsCheckpoint checkpoint, string name, ScalarHead target)
    {
        using var value = checkpoint.Read(name, ScalarType.Float32);
        var head = target.Weight;
        if (!value.shape.SequenceEqual(head.shape))
            throw new ModelFormatException(checkpoint.FileOf(name), $"'{name}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", head.shape)}]");
        head.copy_(value);
    }
}
