namespace Preference.Judges.Configuration;

/// <summary>A judge configuration that cannot be used; the message names the file and the key.</summary>
public sealed class JudgeConfigException(string message, Exception? inner = null) : Exception(message, inner);
