using System.Text.Json;
using Preference.Models;
using Preference.Models.Loading;
using Preference.Models.Lora;

namespace Preference.Training.Estimation;

/// <summary>
/// The sizes a memory estimate needs, read without loading the weights: config.json for the shape and the safetensors
/// headers for every tensor's shape (so a 70B model can be sized on a laptop). llama2c files are small and just loaded.
/// </summary>
public sealed record ModelSizing(string Source, int Layers, int Hidden, int Heads, int Vocab, long Parameters,
    IReadOnlyDictionary<string, long[]> LinearWeights, int BytesPerParameter, long LayerParameters)
{
    public static ModelSizing Read(string? path)
    {
        if (path is not null && Directory.Exists(path)) return FromHuggingFace(path);
        using var model = path is null ? ModelBundle.Load(null, TorchSharp.torch.CPU).Model : Llama2cCheckpoint.Load(path);
        var linears = model.named_parameters()
            .Where(p => p.name.EndsWith(".weight", StringComparison.Ordinal) && p.parameter.dim() == 2 && !p.name.Contains("embed"))
            .ToDictionary(p => p.name[..^".weight".Length], p => p.parameter.shape);
        var heads = model is Preference.Models.Llama.LlamaForCausalLM llama ? llama.Config.NumAttentionHeads : model.Shape.KvHeads;
        return new ModelSizing(path ?? "stories260K", model.Shape.Layers, model.Shape.HiddenSize, heads, model.Shape.VocabSize,
            model.ParameterCount(), linears, 4,
            model.named_parameters().Where(p => InLayer(p.name)).Sum(p => p.parameter.numel()));
    }

    static ModelSizing FromHuggingFace(string directory)
    {
        var configPath = Path.Combine(directory, HuggingFaceCheckpoint.ConfigFileName);
        if (!File.Exists(configPath)) throw new ModelFormatException(directory, "no config.json");
        using var config = JsonDocument.Parse(File.ReadAllText(configPath));
        int Field(params string[] names) => names.Select(n => config.RootElement.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : (int?)null)
            .FirstOrDefault(v => v is not null) ?? throw new ModelFormatException(configPath, $"config field '{names[0]}' is missing");
        var entries = new List<SafetensorsEntry>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.safetensors"))
        {
            using var safetensors = SafetensorsFile.Open(file);
            entries.AddRange(safetensors.Entries.Values);
        }
        if (entries.Count == 0) throw new ModelFormatException(directory, "no .safetensors files");
        var linears = entries.Where(e => e.Name.EndsWith(".weight", StringComparison.Ordinal) && e.Shape.Length == 2 && !e.Name.Contains("embed") && !e.Name.Contains("wte") && !e.Name.Contains("wpe"))
            .ToDictionary(e => e.Name[..^".weight".Length], e => e.Shape);
        int bytes = (int)(entries[0].ByteLength / Math.Max(1, entries[0].ElementCount));
        return new ModelSizing(directory, Field("num_hidden_layers", "n_layer"), Field("hidden_size", "n_embd"),
            Field("num_attention_heads", "n_head"), Field("vocab_size"), entries.Sum(e => e.ElementCount), linears, bytes,
            entries.Where(e => InLayer(e.Name)).Sum(e => e.ElementCount));
    }

    static bool InLayer(string name) => name.Contains(".layers.", StringComparison.Ordinal) || name.Contains(".h.", StringComparison.Ordinal);

    /// <summary>Adapter parameters LoRA would add for these targets (r · (in + out) per matching layer).</summary>
    public long LoraParameters(LoraConfig lora) =>
        LinearWeights.Where(l => lora.TargetModules.Any(t => l.Key == t || l.Key.EndsWith("." + t, StringComparison.Ordinal)))
            .Sum(l => (long)lora.Rank * (l.Value[0] + l.Value[1]));
}
