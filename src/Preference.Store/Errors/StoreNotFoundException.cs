namespace Preference.Store.Errors;

/// <summary>The named thing does not exist (or is not visible to the caller): HTTP 404.</summary>
public sealed class StoreNotFoundException(string message) : Exception(message);
