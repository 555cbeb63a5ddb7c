namespace Preference.Training.Data;

/// <summary>A data file that cannot be trained on; the message names the file, the line and the field.</summary>
public sealed class SftDataException(string message) : Exception(message);
