using System.Text.Json;

namespace Preference.Models.Tokenization;

/// <summary>
/// What we use from Hugging Face's <c>tokenizer_config.json</c>: the special token strings, whether BOS/EOS are
/// added by default, the added tokens by id, and the Jinja <c>chat_template</c>.
/// </summary>
public sealed record TokenizerConfig
{
    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
    public string? PadToken { get; init; }
    public string? UnkToken { get; init; }
    public bool? AddBosToken { get; init; }
    public bool? AddEosToken { get; init; }
    public string? ChatTemplate { get; init; }

    /// <summary>From <c>added_tokens_decoder</c>: token text to id.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens { get; init; } = new Dictionary<string, int>();

    public static TokenizerConfig Read(string path)
    {
        if (!File.Exists(path)) throw new TokenizerFormatException(path, "file not found");
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new TokenizerFormatException(path, "expected a JSON object");
            var added = new Dictionary<string, int>();
            if (root.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
                foreach (var entry in decoder.EnumerateObject())
                {
                    if (!int.TryParse(entry.Name, out int id))
                        throw new TokenizerFormatException(path, $"added_tokens_decoder key '{entry.Name}' is not a token id");
                    if (TokenText(entry.Value) is { } content) added[content] = id;
                }

            return new TokenizerConfig
            {
                BosToken = TokenText(root, "bos_token"),
                EosToken = TokenText(root, "eos_token"),
                PadToken = TokenText(root, "pad_token"),
                UnkToken = TokenText(root, "unk_token"),
                AddBosToken = Bool(root, "add_bos_token"),
                AddEosToken = Bool(root, "add_eos_token"),
                ChatTemplate = ChatTemplateText(root),
                AddedTokens = added,
            };
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(path, $"not valid JSON ({e.Message})", e);
        }
    }

    static bool? Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    static string? TokenText(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? TokenText(value) : null;

    // A token is written either as its text or as an AddedToken object {"content": ...}.
    static string? TokenText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
        _ => null,
    };

    // Either one template, or a list of named ones of which "default" is the chat format.
    static string? ChatTemplateText(JsonElement root)
    {
        if (!root.TryGetProperty("chat_template", out var value)) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        if (value.ValueKind != JsonValueKind.Array) return null;
        var named = value.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("template", out _))
            .Select(e => (Name: e.TryGetProperty("name", out var n) ? n.GetString() : null, Template: e.GetProperty("template").GetString()))
            .ToList();
        return (named.FirstOrDefault(t => t.Name == "default").Template) ?? named.FirstOrDefault().Template;
    }
}
