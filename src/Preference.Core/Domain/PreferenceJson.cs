using System.Text.Json;
using System.Text.Json.Serialization;

namespace Preference.Core.Domain;

/// <summary>The one JSON dialect of the project: camelCase, enums as strings, nulls left out.</summary>
public static class PreferenceJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the project's settings to options owned by someone else (ASP.NET Core's, for instance).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new RankingJsonConverter());
        return options;
    }
}
