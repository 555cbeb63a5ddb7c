using System.Text.Json;
using System.Text.Json.Serialization;
using Preference.Core.Rankings;

namespace Preference.Core.Domain;

/// <summary>
/// Writes a <see cref="Ranking"/> as its tiers only (<c>[["a"],["b","c"]]</c>), the shape the API and the
/// JSONL files use, instead of every computed property of the record.
/// </summary>
public sealed class RankingJsonConverter : JsonConverter<Ranking>
{
    public override Ranking Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var tiers = JsonSerializer.Deserialize<List<List<string>>>(ref reader, options)
                    ?? throw new JsonException("ranking must be an array of tiers");
        return new Ranking(tiers.Select(t => (IReadOnlyList<string>)t).ToList());
    }

    public override void Write(Utf8JsonWriter writer, Ranking value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var tier in value.Tiers)
        {
            writer.WriteStartArray();
            foreach (var id in tier) writer.WriteStringValue(id);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}
