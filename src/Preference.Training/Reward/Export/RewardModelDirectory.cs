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
/// A reward model as a Hugging Face sequence-classification directory: config.json with
/// <c>architectures: [LlamaForSequenceClassification]</c> and <c>num_labels: 1</c>, model.safetensors holding the trunk
/// (<c>model.*</c>) and the <c>score.weight</c> head but no LM head, the tokenizer files, and
/// <see cref="RewardModelCard"/> with the normalisation statistics. Saved by the trainer, loaded by eval/score/PPO.
/// A mean-pooled head is stored as <c>pooled_score.weight</c>; transformers loads such a directory but ignores that
/// tensor (it warns about an unused weight), so config.json's <c>reward_pooling</c> and reward_model.json say how to add it.
/// A grounding-feature head is stored as <c>feature_score.weight</c>, <c>feature_score.mean</c> and <c>feature_score.std</c>
/// (reward_model.json names the features in order).
/// </summary>
public static class RewardModelDirectory
{
    const string ScoreWeight = "score.weight";
    const string PooledScoreWeight = "pooled_score.weight";
    const string FeatureWeight = "feature_score.weight";
    const string FeatureMean = "feature_score.mean";
    const string FeatureStd = "feature_score.std";

    public static void Save(Modeling.RewardModel model, string directory, string tokenizerSource, string? baseModel)
    {
        var trunk = model.Network.Trunk;
        HuggingFaceCheckpoint.Save(trunk, directory);
        var layout = HuggingFaceArchitecture.For(trunk).Layout;
        var weightsPath = Path.Combine(directory, SafetensorsCheckpoint.SingleFileName);
        using (var scope = NewDisposeScope())
        {
            var tensors = new List<KeyValuePair<string, Tensor>>();
            using (var saved = SafetensorsCheckpoint.Open(directory))
                foreach (var name in saved.Names.Where(n => !layout.HeadNames.Contains(n)))
                    tensors.Add(new(name, saved.Read(name)));
            using (no_grad())
            {
                tensors.Add(new(ScoreWeight, HeadWeight(model.Network.Score).detach().to(trunk.DType).cpu().contiguous()));
                if (model.Network.PooledScore is { } pooled)
                    tensors.Add(new(PooledScoreWeight, HeadWeight(pooled).detach().to(trunk.DType).cpu().contiguous()));
                if (model.Network.FeatureScore is { } features)
                {
                    tensors.Add(new(FeatureWeight, features.Weight.detach().cpu().contiguous()));
                    tensors.Add(new(FeatureMean, features.Mean.detach().cpu().contiguous()));
                    tensors.Add(new(FeatureStd, features.Std.detach().cpu().contiguous()));
                }
            }
            SafetensorsWriter.Write(weightsPath + ".partial", tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        File.Move(weightsPath + ".partial", weightsPath, overwrite: true);

        var configPath = Path.Combine(directory, HuggingFaceCheckpoint.ConfigFileName);
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        var architecture = config["architectures"]?[0]?.GetValue<string>() ?? "LlamaForCausalLM";
        config["architectures"] = new JsonArray(architecture.Replace("ForCausalLM", "ForSequenceClassification").Replace("LMHeadModel", "ForSequenceClassification"));
        config["num_labels"] = 1;
        config["id2label"] = new JsonObject { ["0"] = "LABEL_0" };
        config["label2id"] = new JsonObject { ["LABEL_0"] = 0 };
        config["problem_type"] = "regression";
        if (model.Tokenizer.HasPad) config["pad_token_id"] = model.Tokenizer.PadId;
        if (model.Network.PooledScore is not null)
            config["reward_pooling"] = "last_and_mean: reward = score.weight · h[last non-pad token] + pooled_score.weight · mean(h over the " +
                                       "completion's tokens, EOS included); see reward_model.json";
        File.WriteAllText(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        CopyTokenizer(tokenizerSource, directory);
        new RewardModelCard
        {
            MaxLength = model.Window.MaxLength, Pooling = model.Network.Pooling, Context = model.Window.Context,
            BaseModel = baseModel, Normalization = model.Statistics,
            Features = model.Window.Features, FeatureNames = model.Network.FeatureScore is null ? null : RewardFeatureSet.Names(model.Window.Features),
        }.Write(directory);
    }

    public static Modeling.RewardModel Load(string directory, Device device)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such reward model directory");
        var card = RewardModelCard.Read(directory);
        var configPath = Path.Combine(directory, HuggingFaceCheckpoint.ConfigFileName);
        var architecture = HuggingFaceArchitecture.ForModelType(ModelConfigJson.ReadModelType(configPath), configPath);
        var trunk = architecture.Create(configPath);
        RewardNetwork? network = null;
        try
        {
            using (var checkpoint = SafetensorsCheckpoint.Open(directory))
            using (no_grad())
            {
                network = new RewardNetwork(trunk, card.Pooling, featureHead: card.Features == RewardFeatures.None ? null : ReadFeatureHead(checkpoint, card.Features));
                if (!checkpoint.Contains(ScoreWeight))
                    throw new ModelFormatException(checkpoint.Source, $"weight '{ScoreWeight}' is missing; not a reward model");
                var parameters = trunk.named_parameters().ToDictionary(p => p.name, p => p.parameter);
                var loaded = new HashSet<string>();
                foreach (var name in checkpoint.Names.Where(n => n is not ScoreWeight and not PooledScoreWeight and not FeatureWeight and not FeatureMean and not FeatureStd))
                {
                    var target = architecture.Layout.ToParameterName(name);
                    if (architecture.Layout.IsBuffer(target)) continue;
                    if (!parameters.TryGetValue(target, out var parameter))
                        throw new ModelFormatException(checkpoint.FileOf(name), $"weight '{name}' has no place in this model");
                    using var weight = checkpoint.Read(name, parameter.dtype);
                    var value = architecture.Layout.IsTransposed(target) ? weight.t() : weight;
                    if (!value.shape.SequenceEqual(parameter.shape))
                        throw new ModelFormatException(checkpoint.FileOf(name), $"weight '{name}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", parameter.shape)}]");
                    parameter.copy_(value);
                    loaded.Add(target);
                }
                // The LM head is not part of a sequence classifier; everything else must be there.
                var missing = parameters.Keys.Where(k => !loaded.Contains(k) && !architecture.Layout.HeadNames.Contains(k)).ToList();
                if (missing.Count > 0) throw new ModelFormatException(checkpoint.Source, $"weight '{missing[0]}' is missing");
                LoadHead(checkpoint, ScoreWeight, network.Score);
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
            if (network is null) trunk.Dispose();
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

    static Tensor HeadWeight(ScalarHead head) => head.named_parameters().Single(p => p.name == "score.weight").parameter;

    static void LoadHead(SafetensorsCheckpoint checkpoint, string name, ScalarHead target)
    {
        using var value = checkpoint.Read(name, ScalarType.Float32);
        var head = HeadWeight(target);
        if (!value.shape.SequenceEqual(head.shape))
            throw new ModelFormatException(checkpoint.FileOf(name), $"'{name}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", head.shape)}]");
        head.copy_(value);
    }

    /// <summary>The tokenizer file (or a directory's tokenizer files) next to the weights, so the directory stands alone.</summary>
    static void CopyTokenizer(string source, string directory)
    {
        var files = Directory.Exists(source)
            ? Directory.EnumerateFiles(source).Where(f => Path.GetFileName(f) is "tokenizer.json" or "tokenizer_config.json" or "tokenizer.model"
                or "special_tokens_map.json" || f.EndsWith(".tiktoken") || Path.GetFileName(f).StartsWith("tok") && f.EndsWith(".bin"))
            : [source];
        foreach (var file in files)
            if (Path.GetFullPath(file) != Path.GetFullPath(Path.Combine(directory, Path.GetFileName(file))))
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
    }
}
