namespace Preference.Judges.Resilience;

/// <summary>A model call failed in a way worth retrying (429, 5xx, a broken or malformed reply).</summary>
public sealed class TransientJudgeException(string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The server's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>A model call failed in a way a retry cannot fix (bad request, wrong key, unknown model).</summary>
public sealed class PermanentJudgeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The model answered, but no verdict could be read from the reply. Retried: sampling may give a readable one.</summary>
public sealed class UnparseableReplyException(string message) : Exception(message);
