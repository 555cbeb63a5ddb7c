namespace Preference.Store.Errors;

/// <summary>A valid request that clashes with the current state (already submitted, not assigned): HTTP 409.</summary>
public sealed class StoreConflictException(string message) : Exception(message);
