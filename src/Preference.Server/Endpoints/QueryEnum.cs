using Preference.Store.Errors;

namespace Preference.Server.Endpoints;

/// <summary>
/// Enum query parameters accepted the way the JSON writes them (camelCase) or in any case and with dashes
/// (<c>bradley-terry</c>); an unknown value is a 400 naming the parameter and listing the choices.
/// </summary>
public static class QueryEnum
{
    public static T Parse<T>(string? value, string field, T fallback) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        var normalized = value.Replace("-", "").Replace("_", "");
        if (Enum.TryParse<T>(normalized, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)) return parsed;
        var choices = string.Join(", ", Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]));
        throw new StoreValidationException(field, $"'{value}' is not one of: {choices}");
    }
}
