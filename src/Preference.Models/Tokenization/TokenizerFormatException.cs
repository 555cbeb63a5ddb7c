namespace Preference.Models.Tokenization;

/// <summary>
/// A tokenizer file or directory that cannot be read: missing, malformed, or of no format we know.
/// The message always names the file, so a user can tell which of several candidates was at fault.
/// </summary>
public sealed class TokenizerFormatException : Exception
{
    public TokenizerFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    public string Path { get; }

    public string Problem { get; }
}
