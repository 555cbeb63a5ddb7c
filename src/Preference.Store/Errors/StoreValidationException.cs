namespace Preference.Store.Errors;

/// <summary>Input that cannot be accepted; <see cref="Field"/> names the offending field for the 400 response.</summary>
public sealed class StoreValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
