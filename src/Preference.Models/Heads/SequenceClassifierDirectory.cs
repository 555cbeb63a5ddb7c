using System.Text.Json;
using System.Text.Json.Nodes;
using Preference.Models.Loading;
using Preference.Models.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Heads;

/// <summary>A sequence classifier read from disk: the trunk, its <c>score.weight</c> [1, hidden] and config.json's pad.</summary>
public sealed record LoadedSequenceClassifier(CausalLanguageModel Trunk, Tensor ScoreWeight, int? PadTokenId);

/// <summary>
/// A scalar head on a causal LM trunk as transformers' <c>*ForSequenceClassification</c> stores it (what
/// <c>AutoModelForSequenceClassification</c> loads, TRL's RewardTrainer and OpenRLHF write): config.json with
/// <c>architectures: [LlamaForSequenceClassification]</c>, <c>num_labels: 1</c> and <c>pad_token_id</c> (the classifier
/// reads the last token that is not the pad, and refuses batches without one), model.safetensors with the trunk
/// (<c>model.*</c>) and <c>score.weight</c> but no LM head, and the tokenizer files. Reward models and PPO value models
/// are written this way.
/// </summary>
public static class SequenceClassifierDirectory
{
    public const string ScoreWeight = "score.weight";

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="scoreWeight">[1, hidden].</param>
    /// <param name="extraTensors">Our own additions stored beside the classifier's tensors (transformers ignores them, with a warning).</param>
    /// <param name="configExtras">Fields added to config.json.</param>
    public static void Save(CausalLanguageModel trunk, Tensor scoreWeight, ModelTokenizer tokenizer, string directory,
        IReadOnlyList<KeyValuePair<string, Tensor>>? extraTensors = null, IReadOnlyDictionary<string, JsonNode?>? configExtras = null,
        CancellationToken cancellationToken = default)
    {
        HuggingFaceCheckpoint.Save(trunk, tokenizer, directory, cancellationToken: cancellationToken);
        var layout = HuggingFaceArchitecture.For(trunk).Layout;
        var weightsPath = Path.Combine(directory, SafetensorsCheckpoint.SingleFileName);
        using (var scope = NewDisposeScope())
        {
            var tensors = new List<KeyValuePair<string, Tensor>>();
            using (var saved = SafetensorsCheckpoint.Open(directory))
                foreach (var name in saved.Names.Where(n => !layout.HeadNames.Contains(n)))
                    tensors.Add(new(name, saved.Read(name)));
            using (no_grad())
                tensors.Add(new(ScoreWeight, scoreWeight.detach().reshape(1, -1).to(trunk.DType).cpu().contiguous()));
            tensors.AddRange(extraTensors ?? []);
            SafetensorsWriter.Write(weightsPath + ".partial", tensors, new Dictionary<string, string> { ["format"] = "pt" }, cancellationToken);
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
        // Without a pad token of its own the tokenizer pads with EOS (TRL's default too); transformers then reads the
        // score one token before a trailing EOS.
        config["pad_token_id"] = HuggingFaceTokenizerFiles.ExportedPadId(tokenizer) ?? tokenizer.EosId;
        foreach (var (key, value) in configExtras ?? new Dictionary<string, JsonNode?>()) config[key] = value?.DeepClone();
        File.WriteAllText(configPath, config.ToJsonString(Indented) + "\n");
    }

    /// <summary>True when config.json names a *ForSequenceClassification architecture.</summary>
    public static bool IsSequenceClassifier(string directory)
    {
        var configPath = Path.Combine(directory, HuggingFaceCheckpoint.ConfigFileName);
        if (!File.Exists(configPath)) return false;
        try
        {
            return JsonNode.Parse(File.ReadAllText(configPath))?["architectures"] is JsonArray { Count: > 0 } list
                   && list[0] is JsonValue value && value.TryGetValue<string>(out var name)
                   && name.EndsWith("ForSequenceClassification", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads the trunk and the score head; checkpoint tensors named in <paramref name="extraTensors"/> are left for
    /// the caller. Throws <see cref="ModelFormatException"/> naming the field or weight that is wrong.
    /// </summary>
    public static LoadedSequenceClassifier Load(string directory, IReadOnlySet<string>? extraTensors = null)
    {
        var configPath = Path.Combine(directory, HuggingFaceCheckpoint.ConfigFileName);
        if (!File.Exists(configPath)) throw new ModelFormatException(directory, "no config.json: not a Hugging Face model directory");
        JsonObject config;
        try { config = JsonNode.Parse(File.ReadAllText(configPath))?.AsObject() ?? throw new ModelFormatException(configPath, "empty file"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new ModelFormatException(configPath, $"not a JSON object ({e.Message})"); }
        if (!IsSequenceClassifier(directory))
            throw new ModelFormatException(configPath, "field 'architectures' does not name a *ForSequenceClassification model (a reward model needs a score head, score.weight)");
        int labels = config["num_labels"] is JsonValue n && n.TryGetValue<int>(out int count) ? count
            : config["id2label"] is JsonObject id2label ? id2label.Count : 2; // transformers' default is 2 labels
        if (labels != 1)
            throw new ModelFormatException(configPath, $"field 'num_labels' is {labels}; a reward model has one score (num_labels: 1)");
        int? pad = config["pad_token_id"] is JsonValue p && p.TryGetValue<int>(out int padId) ? padId : null;

        var architecture = HuggingFaceArchitecture.ForModelType(ModelConfigJson.ReadModelType(configPath), configPath);
        var trunk = architecture.Create(configPath);
        try
        {
            using var checkpoint = SafetensorsCheckpoint.Open(directory);
            using var noGrad = no_grad();
            if (!checkpoint.Contains(ScoreWeight))
                throw new ModelFormatException(checkpoint.Source, $"weight '{ScoreWeight}' is missing; not a sequence classifier");
            if (checkpoint.Contains("score.bias"))
                throw new ModelFormatException(checkpoint.FileOf("score.bias"), "weight 'score.bias': a score head with a bias is not supported (transformers' has none)");
            var parameters = trunk.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var loaded = new HashSet<string>();
            foreach (var name in checkpoint.Names.Where(n => n != ScoreWeight && extraTensors?.Contains(n) != true))
            {
                var target = architecture.Layout.ToParameterName(name);
                if (architecture.Layout.IsBuffer(target)) continue;
                if (!parameters.TryGetValue(target, out var parameter))
                    throw new ModelFormatException(checkpoint.FileOf(name), $"weight '{name}' has no place in this model");
                using var weight = checkpoint.Read(name, parameter.dtype);
                var value = architecture.Layout.IsTransposed(target) ? weight.t() : weight;
                if (!value.shape.SequenceEqual(parameter.shape))
                    throw new ModelFormatException(checkpoint.FileOf(name),
                        $"weight '{name}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", parameter.shape)}]");
                parameter.copy_(value);
                loaded.Add(target);
            }
            // The LM head is not part of a sequence classifier; everything else must be there.
            var missing = parameters.Keys.Where(k => !loaded.Contains(k) && !architecture.Layout.HeadNames.Contains(k)).ToList();
            if (missing.Count > 0) throw new ModelFormatException(checkpoint.Source, $"weight '{missing[0]}' is missing");

            var score = checkpoint.Read(ScoreWeight, ScalarType.Float32);
            if (!score.shape.SequenceEqual([1L, trunk.Shape.HiddenSize]))
            {
                var shape = string.Join(", ", score.shape);
                score.Dispose();
                throw new ModelFormatException(checkpoint.FileOf(ScoreWeight), $"'{ScoreWeight}' has shape [{shape}], expected [1, {trunk.Shape.HiddenSize}] (num_labels 1)");
            }
            return new LoadedSequenceClassifier(trunk, score, pad);
        }
        catch
        {
            trunk.Dispose();
            throw;
        }
    }
}
