using System.Text.Json;
using System.Text.Json.Serialization;

namespace Preference.Models;

/// <summary>Reads and writes config.json records with the errors a user can act on.</summary>
public static class ModelConfigJson
{
    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public static string Serialize<T>(T config) => JsonSerializer.Serialize(config, Options);

    public static T Read<T>(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options)
                   ?? throw new ModelFormatException(path, "config is empty");
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } p ? $" at {p}" : "";
            var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
            throw new ModelFormatException(path, $"malformed JSON{where}{line}: {FirstSentence(e.Message)}");
        }
    }

    /// <summary>The <c>model_type</c> of a config.json, to pick the architecture before reading the whole record.</summary>
    public static string ReadModelType(string path)
    {
        var node = Read<JsonElement>(path);
        if (node.ValueKind != JsonValueKind.Object) throw new ModelFormatException(path, "config is not a JSON object");
        return node.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw new ModelFormatException(path, "config field 'model_type' is missing");
    }

    static string FirstSentence(string message) => message.Split(". ")[0].TrimEnd('.');
}
