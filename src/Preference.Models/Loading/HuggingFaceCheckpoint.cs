using System.Text.Json;
using System.Text.Json.Nodes;
using Preference.Models.Lora;
using Preference.Models.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>
/// A Hugging Face model directory: config.json, model.safetensors (or shards and their index) and
/// generation_config.json. Loads what transformers saves and saves what transformers loads.
/// </summary>
public static class HuggingFaceCheckpoint
{
    public const string ConfigFileName = "config.json";
    public const string GenerationConfigFileName = "generation_config.json";

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static CausalLanguageModel Load(string directory, ModelLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ModelLoadOptions.Default;
        options.Validate();
        var configPath = Path.Combine(directory, ConfigFileName);
        var architecture = HuggingFaceArchitecture.ForModelType(ModelConfigJson.ReadModelType(configPath), configPath);
        var model = architecture.Create(configPath);
        try
        {
            using var checkpoint = SafetensorsCheckpoint.Open(directory);
            model.to(options.DType);
            LoadWeights(model, checkpoint, architecture.Layout, cancellationToken);
            if (options.Device is { } device) model.to(device);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Matches every checkpoint tensor to a parameter and checks every shape from the headers before reading any
    /// data, so a wrong checkpoint fails at once with the file and the weight named, and never loads half-way.
    /// </summary>
    static void LoadWeights(CausalLanguageModel model, SafetensorsCheckpoint checkpoint, HuggingFaceWeightLayout layout,
        CancellationToken cancellationToken)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var sources = new Dictionary<string, string>();
        foreach (var name in checkpoint.Names)
        {
            var target = layout.ToParameterName(name);
            if (layout.IsBuffer(target)) continue;
            if (!parameters.ContainsKey(target))
            {
                if (target == layout.TiedHeadName) continue; // tied to the embedding: the same values, kept once
                throw new ModelFormatException(checkpoint.FileOf(name),
                    $"weight '{name}' has no place in a '{model.ModelType}' model with this config.json (unexpected weight)");
            }
            if (sources.TryGetValue(target, out var other))
                throw new ModelFormatException(checkpoint.FileOf(name), $"weights '{other}' and '{name}' both map to '{target}'");
            sources[target] = name;
        }
        foreach (var (target, parameter) in parameters)
        {
            if (!sources.TryGetValue(target, out var name))
                throw new ModelFormatException(checkpoint.Source, $"weight '{target}' is missing");
            long[] expected = layout.IsTransposed(target) ? [.. parameter.shape.Reverse()] : parameter.shape;
            var stored = checkpoint.Entry(name).Shape;
            if (!stored.SequenceEqual(expected))
                throw new ModelFormatException(checkpoint.FileOf(name),
                    $"weight '{name}' has shape [{string.Join(", ", stored)}], config.json implies [{string.Join(", ", expected)}]");
        }

        using var noGrad = no_grad();
        foreach (var (target, parameter) in parameters)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var weight = checkpoint.Read(sources[target], parameter.dtype);
            parameter.copy_(layout.IsTransposed(target) ? weight.t() : weight);
        }
    }

    /// <summary>
    /// An export a user loads: the weights and configs, plus the tokenizer's files (copied, or converted from
    /// llama2.c's format), and config.json's <c>pad_token_id</c> set to the pad those files declare.
    /// </summary>
    public static void Save(CausalLanguageModel model, ModelTokenizer tokenizer, string directory, HuggingFaceSaveOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Save(model, directory, options, cancellationToken);
        HuggingFaceTokenizerFiles.Write(tokenizer, directory, model.Shape.MaxPositions);
        if (HuggingFaceTokenizerFiles.ExportedPadId(tokenizer) is { } pad)
        {
            var configPath = Path.Combine(directory, ConfigFileName);
            var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            config["pad_token_id"] = pad;
            WriteText(configPath, config.ToJsonString(Indented));
        }
    }

    /// <summary>
    /// The weights, config.json and generation_config.json alone (no tokenizer). LoRA adapters still on the model are
    /// not written: unmerged, the saved weights are the base model's (PEFT's adapter files hold the rest).
    /// </summary>
    public static void Save(CausalLanguageModel model, string directory, HuggingFaceSaveOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= HuggingFaceSaveOptions.Default;
        var architecture = HuggingFaceArchitecture.For(model);
        var dtype = options.DType ?? model.DType;
        Directory.CreateDirectory(directory);

        using (var scope = NewDisposeScope())
        {
            var tensors = new List<KeyValuePair<string, Tensor>>();
            foreach (var (name, tensor) in model.state_dict())
            {
                if (architecture.Layout.IsBuffer(name) || LoraLinear.IsAdapterTensor(name)) continue;
                using var noGrad = no_grad();
                tensors.Add(new(name, architecture.ToCheckpointLayout(model, name, tensor.detach()).to(dtype).contiguous()));
            }
            var written = options.MaxShardBytes is { } maxShard
                ? WriteShards(directory, tensors, maxShard, cancellationToken)
                : WriteSingle(directory, tensors, cancellationToken);
            RemoveStaleWeights(directory, written);
        }

        var config = JsonNode.Parse(model.ToConfigJson())!.AsObject();
        config["torch_dtype"] = SafetensorsDType.TorchName(dtype);
        architecture.CompleteConfig(model, config);
        WriteText(Path.Combine(directory, ConfigFileName), config.ToJsonString(Indented));

        var (bos, eos) = architecture.GenerationTokens(model);
        var generation = new JsonObject { ["bos_token_id"] = bos, ["eos_token_id"] = eos };
        WriteText(Path.Combine(directory, GenerationConfigFileName), generation.ToJsonString(Indented));
    }

    // transformers refuses safetensors files whose metadata does not say which framework wrote them.
    static readonly Dictionary<string, string> Metadata = new() { ["format"] = "pt" };

    static HashSet<string> WriteSingle(string directory, List<KeyValuePair<string, Tensor>> tensors, CancellationToken cancellationToken)
    {
        SafetensorsWriter.Write(Path.Combine(directory, SafetensorsCheckpoint.SingleFileName), tensors, Metadata, cancellationToken);
        return [SafetensorsCheckpoint.SingleFileName];
    }

    static HashSet<string> WriteShards(string directory, List<KeyValuePair<string, Tensor>> tensors, long maxShardBytes,
        CancellationToken cancellationToken)
    {
        static long Bytes(Tensor t) => t.NumberOfElements * t.ElementSize;
        var shards = new List<List<KeyValuePair<string, Tensor>>> { new() };
        long current = 0;
        foreach (var tensor in tensors)
        {
            if (current > 0 && current + Bytes(tensor.Value) > maxShardBytes)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(tensor);
            current += Bytes(tensor.Value);
        }

        var weightMap = new JsonObject();
        var names = new HashSet<string>();
        for (int i = 0; i < shards.Count; i++)
        {
            var file = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafetensorsWriter.Write(Path.Combine(directory, file), shards[i], Metadata, cancellationToken);
            foreach (var (name, _) in shards[i]) weightMap[name] = file;
            names.Add(file);
        }
        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = tensors.Sum(t => Bytes(t.Value)) },
            ["weight_map"] = weightMap,
        };
        WriteText(Path.Combine(directory, SafetensorsCheckpoint.IndexFileName), index.ToJsonString(Indented));
        names.Add(SafetensorsCheckpoint.IndexFileName);
        return names;
    }

    // Weights of an earlier save in another layout (single file vs shards) would shadow or confuse the new ones.
    static void RemoveStaleWeights(string directory, HashSet<string> written)
    {
        var candidates = Directory.EnumerateFiles(directory, "model-*-of-*.safetensors")
            .Append(Path.Combine(directory, SafetensorsCheckpoint.SingleFileName))
            .Append(Path.Combine(directory, SafetensorsCheckpoint.IndexFileName));
        foreach (var path in candidates)
            if (!written.Contains(Path.GetFileName(path)) && File.Exists(path))
                File.Delete(path);
    }

    static void WriteText(string path, string text)
    {
        var temporary = path + ".partial";
        File.WriteAllText(temporary, text + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}
