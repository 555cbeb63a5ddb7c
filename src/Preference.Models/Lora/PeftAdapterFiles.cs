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

    /// <param name="baseModel">Written as base_model_name_or_path, so PEFT knows which model the adapter belongs to.</param>
    public static void Save(nn.Module root, LoraConfig config, string directory, string? baseModel = null,
        string? modelType = null)
    {
        var adapters = root.Adapters().ToList();
        if (adapters.Count == 0) throw new InvalidOperationException("the model has no LoRA adapters to save");
        Directory.CreateDirectory(directory);
        using (var scope = NewDisposeScope())
        {
            var tensors = adapters.SelectMany(a => new[]
            {
                KeyValuePair.Create($"{Prefix}{a.Name}.lora_A.weight", a.Layer.LoraA.detach().cpu().contiguous()),
                KeyValuePair.Create($"{Prefix}{a.Name}.lora_B.weight", a.Layer.LoraB.detach().cpu().contiguous()),
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
            ["fan_in_fan_out"] = modelType == "gpt2",
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["modules_to_save"] = null,
        };
        var temporary = Path.Combine(directory, ConfigFileName + ".partial");
        File.WriteAllText(temporary, json.ToJsonString(Indented));
        File.Move(temporary, Path.Combine(directory, ConfigFileName), overwrite: true);
    }

    /// <summary>Reads adapter_config.json alone.</summary>
    public static LoraConfig ReadConfig(string directory)
    {
        var path = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(path)) throw new ModelFormatException(directory, $"no {ConfigFileName}: not a PEFT adapter directory");
        JsonNode root;
        try { root = JsonNode.Parse(File.ReadAllText(path)) ?? throw new ModelFormatException(path, "empty file"); }
        catch (JsonException e) { throw new ModelFormatException(path, $"not valid JSON ({e.Message})"); }

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

    /// <summary>Puts adapters on <paramref name="root"/> as the directory's config says, then loads their weights.</summary>
    public static LoraConfig Load(nn.Module root, string directory)
    {
        var config = ReadConfig(directory);
        var weightsPath = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(weightsPath)) throw new ModelFormatException(directory, $"no {WeightsFileName}");
        using var file = SafetensorsFile.Open(weightsPath);
        LoraAdapters.Apply(root, config);
        using var noGrad = no_grad();
        foreach (var (name, layer) in root.Adapters())
        {
            Copy(file, $"{Prefix}{name}.lora_A.weight", layer.LoraA);
            Copy(file, $"{Prefix}{name}.lora_B.weight", layer.LoraB);
        }
        return config;
    }

    static void Copy(SafetensorsFile file, string name, Tensor target)
    {
        // PEFT before 0.7 kept the adapter name in the key (lora_A.default.weight); accept both.
        var key = file.Contains(name) ? name : name.Replace(".weight", ".default.weight", StringComparison.Ordinal);
        if (!file.Contains(key)) throw new ModelFormatException(file.Path, $"tensor '{name}' is missing");
        using var saved = file.Read(key, target.dtype);
        if (!saved.shape.SequenceEqual(target.shape))
            throw new ModelFormatException(file.Path,
                $"tensor '{name}' has shape [{string.Join(", ", saved.shape)}], the model needs [{string.Join(", ", target.shape)}]");
        target.copy_(saved);
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
