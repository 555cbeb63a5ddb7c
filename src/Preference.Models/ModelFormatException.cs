namespace Preference.Models;

/// <summary>A model file or directory that cannot be read; the message names the file and what is wrong.</summary>
public sealed class ModelFormatException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
