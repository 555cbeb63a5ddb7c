using System.Text.Json;
using static TorchSharp.torch;

namespace Preference.Models.Loading;

/// <summary>
/// The weights of a Hugging Face directory: <c>model.safetensors</c>, or the shards named by
/// <c>model.safetensors.index.json</c> (<c>weight_map</c>: tensor name -> shard file). Every shard header is read and
/// checked when opened; tensor data only when asked for.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    readonly List<SafetensorsFile> _files;
    readonly Dictionary<string, SafetensorsFile> _byTensor;

    SafetensorsCheckpoint(string source, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> byTensor)
    {
        Source = source;
        _files = files;
        _byTensor = byTensor;
    }

    /// <summary>The file a problem with the checkpoint as a whole is reported against (the index or the single file).</summary>
    public string Source { get; }

    public IEnumerable<string> Names => _byTensor.Keys;

    public SafetensorsEntry Entry(string name) => _byTensor[name].Entries[name];

    /// <summary>The file that holds a tensor, for error messages.</summary>
    public string FileOf(string name) => _byTensor[name].Path;

    public bool Contains(string name) => _byTensor.ContainsKey(name);

    public Tensor Read(string name, ScalarType? dtype = null) =>
        _byTensor.TryGetValue(name, out var file) ? file.Read(name, dtype) : throw new ModelFormatException(Source, $"weight '{name}' is missing");

    public static SafetensorsCheckpoint Open(string directory)
    {
        var index = Path.Combine(directory, IndexFileName);
        if (File.Exists(index)) return OpenSharded(index);
        var single = Path.Combine(directory, SingleFileName);
        if (File.Exists(single)) return OpenSingle(single);
        var pickled = Path.Combine(directory, "pytorch_model.bin");
        if (File.Exists(pickled))
            throw new ModelFormatException(pickled, "pickled PyTorch weights are not loaded (they can run code); convert to safetensors, e.g. model.save_pretrained(dir, safe_serialization=True)");
        throw new ModelFormatException(directory, $"no {SingleFileName} or {IndexFileName} in the directory");
    }

    public static SafetensorsCheckpoint OpenSingle(string path)
    {
        var file = SafetensorsFile.Open(path);
        return new SafetensorsCheckpoint(path, [file], file.Entries.Keys.ToDictionary(n => n, _ => file));
    }

    static SafetensorsCheckpoint OpenSharded(string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var files = new Dictionary<string, SafetensorsFile>();
        try
        {
            foreach (var shard in weightMap.Values.Distinct())
            {
                var shardPath = Path.Combine(directory, shard);
                if (!File.Exists(shardPath)) throw new ModelFormatException(indexPath, $"shard '{shard}' named in weight_map does not exist");
                files[shard] = SafetensorsFile.Open(shardPath);
            }
            var byTensor = new Dictionary<string, SafetensorsFile>();
            foreach (var (name, shard) in weightMap)
            {
                if (!files[shard].Contains(name))
                    throw new ModelFormatException(files[shard].Path, $"tensor '{name}' is not in the shard, though {IndexFileName} says it is");
                byTensor[name] = files[shard];
            }
            return new SafetensorsCheckpoint(indexPath, [.. files.Values], byTensor);
        }
        catch
        {
            foreach (var file in files.Values) file.Dispose();
            throw;
        }
    }

    static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        var root = ModelConfigJson.Read<JsonElement>(indexPath);
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException(indexPath, "field 'weight_map' is missing");
        var result = new Dictionary<string, string>();
        foreach (var entry in map.EnumerateObject())
        {
            var shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
            // A shard name is a file beside the index, never a path that could leave the directory.
            if (shard.Length == 0 || shard != Path.GetFileName(shard))
                throw new ModelFormatException(indexPath, $"weight_map entry '{entry.Name}' names '{entry.Value}', not a file beside the index");
            result[entry.Name] = shard;
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }
}
