namespace Preference.Store.Errors;

/// <summary>Another process already owns the store directory.</summary>
public sealed class StoreInUseException(string message) : IOException(message);
