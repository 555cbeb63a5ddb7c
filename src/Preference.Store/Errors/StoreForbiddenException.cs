namespace Preference.Store.Errors;

/// <summary>The caller is known but may not touch this thing (a trainer publishing to another's run): HTTP 403.</summary>
public sealed class StoreForbiddenException(string message) : Exception(message);
