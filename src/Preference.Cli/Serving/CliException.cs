namespace Preference.Cli.Serving;

/// <summary>A problem to report as one line with a non-zero exit code, without a stack trace.</summary>
public sealed class CliException(string message) : Exception(message);
