using Preference.Core.Domain;

namespace Preference.Training.Data;

/// <summary>
/// One supervised example: a conversation whose assistant turns are learned, or a prompt and the completion learned
/// after it. <see cref="Line"/> is the 1-based line in the source file, for messages that point at the data.
/// </summary>
public sealed record SftRecord
{
    public required long Line { get; init; }

    /// <summary>Prompt/completion text (prompt_completion and input_text/output_text files).</summary>
    public string? Prompt { get; init; }
    public string? Completion { get; init; }

    /// <summary>A chat (messages files, or conversational prompt/completion).</summary>
    public IReadOnlyList<Message>? Messages { get; init; }
}
