namespace Preference.Core.Datasets;

/// <summary>A record that does not fit its format; the message names the offending field.</summary>
public sealed class DatasetFormatException(string message) : Exception(message);
