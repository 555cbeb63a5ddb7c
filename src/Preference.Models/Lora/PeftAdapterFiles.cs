using System.Text.Json;
using System.Text.Json.Nodes;
using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Lora;

/// <summary>
/// Adapters alone in PEFT's layout: adapter_config.json and adapter_model.safetensors with tensors named
/// <c>base_model.model.&lt;module path&gt;.lora_A.weight</c> / <c>lora_B.weight</c>, so
/// <c>PeftModel.from_pretrained(base, dir)</c> loads what we train, and we load adapters trained with PEFT.
/// </summary>
public static class PeftAdapterFiles
{
    public const string ConfigFileName = "adapter_config.json";
    public const string WeightsFileName = "adapter_model.safetensors";
    const string Prefix = "base_model.model.";

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="baseModel">Written as base_model_name_or_path, so PEFT (and <see cref="ModelLoader"/>) knows which model the adapter belongs to.</param>
    /// <remarks>
    /// <c>lora_B</c>'s rows are the adapted projection's output rows, so they are written in the order the base
    /// model's checkpoint stores those rows: for a llama2.c model's q/k projections, transformers' half-split rotary
    /// order, exactly as <see cref="HuggingFaceCheckpoint.Save(CausalLanguageModel, string, HuggingFaceSaveOptions?, CancellationToken)"/>
    /// permutes the base weights. PEFT's merge W + s·B·A onto the exported base then equals our merged model.
    /// </remarks>
    public static void Save(CausalLanguageModel model, LoraConfig config, string directory, string? baseModel = null)
    {
        var adapters = model.Adapters().ToList();
        if (adapters.Count == 0) throw new InvalidOperationException("the model has no LoRA adapters to save");
        var architecture = HuggingFaceArchitecture.For(model);
        Directory.CreateDirectory(directory);
        using (var scope = NewDisposeScope())
        {
            using var noGrad = no_grad();
            var tensors = adapters.SelectMany(a => new[]
            {
                KeyValuePair.Create($"{Prefix}{a.Name}.lora_A.weight", a.Layer.LoraA.detach().cpu().contiguous()),
                KeyValuePair.Create($"{Prefix}{a.Name}.lora_B.weight",
                    architecture.OutputRowsToCheckpoint(model, $"{a.Name}.weight", a.Layer.LoraB.detach()).cpu().contiguous()),
            }).ToList();
            SafetensorsWriter.Write(Path.Combine(directory, WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        var json = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = baseModel,
            ["r"] = config.Rank,
            ["lora_alpha"] = config.Alpha,
            ["lora_dropout"] = config.Dropout,
            ["target_modules"] = new JsonArray(config.TargetModules.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            ["use_rslora"] = config.UseRslora,
            ["bias"] = "none",
            // GPT-2's checkpoints store Conv1D ([in, out]); PEFT needs to know to transpose when merging.
            ["fan_in_fan_out"] = model.ModelType == "gpt2",
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["modules_to_save"] = null,
        };
        var temporary = Path.Combine(directory, ConfigFileName + ".partial");
        File.WriteAllText(temporary, json.ToJsonString(Indented));
        File.Move(temporary, Path.Combine(directory, ConfigFileName), overwrite: true);
    }

    /// <summary>
    /// The base model named by adapter_config.json's <c>base_model_name_or_path</c>: a path relative to the adapter
    /// directory, else as given (absolute, or relative to the working directory). Throws naming the field when it is
    /// missing or names nothing on disk (a hub id is not downloaded).
    /// </summary>
    public static string ResolveBaseModel(string directory)
    {
        var path = Path.Combine(directory, ConfigFileName);
        var root = ParseConfig(directory);
        var name = Read(path, root, "base_model_name_or_path", n => n.GetValue<string>(), "");
        if (string.IsNullOrWhiteSpace(name))
            throw new ModelFormatException(path, "field 'base_model_name_or_path' is missing; it must name the base model the adapter was trained on");
        foreach (var candidate in new[] { Path.Combine(directory, name), name })
            if (Directory.Exists(candidate) || File.Exists(candidate)) return Path.GetFullPath(candidate);
        throw new ModelFormatException(path,
            $"field 'base_model_name_or_path' is '{name}', which is neither relative to the adapter directory nor a path that exists (hub ids are not downloaded)");
    }

    /// <summary>Reads adapter_config.json alone.</summary>
    public static LoraConfig ReadConfig(string directory)
    {
        var path = Path.Combine(directory, ConfigFileName);
        var root = ParseConfig(directory);

        string? peftType = root["peft_type"]?.GetValue<string>();
        if (peftType is not null && !peftType.Equals("LORA", StringComparison.OrdinalIgnoreCase))
            throw new ModelFormatException(path, $"peft_type '{peftType}' is not supported (LORA)");
        var config = new LoraConfig
        {
            Rank = Read(path, root, "r", n => n.GetValue<int>(), 8),
            Alpha = Read(path, root, "lora_alpha", n => n.GetValue<double>(), 8.0),
            Dropout = Read(path, root, "lora_dropout", n => n.GetValue<double>(), 0.0),
            UseRslora = Read(path, root, "use_rslora", n => n.GetValue<bool>(), false),
            TargetModules = Read(path, root, "target_modules", TargetList, ["q_proj", "v_proj"]),
        };
        var problem = config.Problems().FirstOrDefault();
        if (problem is not null) throw new ModelFormatException(path, problem);
        return config;
    }

    static JsonNode ParseConfig(string directory)
    {
        var path = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(path)) throw new ModelFormatException(directory, $"no {ConfigFileName}: not a PEFT adapter directory");
        try { return JsonNode.Parse(File.ReadAllText(path)) ?? throw new ModelFormatException(path, "empty file"); }
        catch (JsonException e) { throw new ModelFormatException(path, $"not valid JSON ({e.Message})"); }
    }

    /// <summary>
    /// Puts adapters on <paramref name="model"/> as the directory's config says, then loads their weights (lora_B
    /// rows from the checkpoint's order into the model's, the inverse of <see cref="Save"/>).
    /// </summary>
    public static LoraConfig Load(CausalLanguageModel model, string directory)
    {
        var config = ReadConfig(directory);
        var weightsPath = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(weightsPath)) throw new ModelFormatException(directory, $"no {WeightsFileName}");
        var architecture = HuggingFaceArchitecture.For(model);
        using var file = SafetensorsFile.Open(weightsPath);
        LoraAdapters.Apply(model, config);
        using var noGrad = no_grad();
        foreach (var (name, layer) in model.Adapters())
        {
            Copy(file, $"{Prefix}{name}.lora_A.weight", layer.LoraA, rows => rows);
            Copy(file, $"{Prefix}{name}.lora_B.weight", layer.LoraB, rows => architecture.OutputRowsFromCheckpoint(model, $"{name}.weight", rows));
        }
        return config;
    }

    static void Copy(SafetensorsFile file, string name, Tensor target, Func<Tensor, Tensor> toModelOrder)
    {
        // PEFT before 0.7 kept the adapter name in the key (lora_A.default.weight); accept both.
        var key = file.Contains(name) ? name : name.Replace(".weight", ".default.weight", StringComparison.Ordinal);
        if (!file.Contains(key)) throw new ModelFormatException(file.Path, $"tensor '{name}' is missing");
        using var scope = NewDisposeScope();
        var saved = file.Read(key, target.dtype);
        if (!saved.shape.SequenceEqual(target.shape))
            throw new ModelFormatException(file.Path,
                $"tensor '{name}' has shape [{string.Join(", ", saved.shape)}], the model needs [{string.Join(", ", target.shape)}]");
        target.copy_(toModelOrder(saved));
    }

    static string[] TargetList(JsonNode node) => node switch
    {
        JsonArray array => array.Select(n => n!.GetValue<string>()).ToArray(),
        // PEFT also accepts one string, meant as a regular expression; a plain name is its common use.
        JsonValue value => [value.GetValue<string>()],
        _ => throw new FormatException("expected a list of module names"),
    };

    static T Read<T>(string path, JsonNode root, string key, Func<JsonNode, T> read, T fallback)
    {
        var node = root[key];
        if (node is null) return fallback;
        try { return read(node); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new ModelFormatException(path, $"field '{key}' has an unexpected value: {node.ToJsonString()}");
        }
    }
}
