namespace Preference.Judges.Resilience;

/// <summary>
/// How a judge treats a remote model endpoint: every field has a default that suits a hosted API; tests shrink the
/// delays so fault-injection runs take seconds.
/// </summary>
public sealed record ResilienceSettings
{
    /// <summary>Limit for one model call (default 60 s); a slower reply is abandoned and retried.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries after the first attempt (default 4), shared by transport errors and unparseable replies.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>First backoff delay (default 1 s); grows exponentially with jitter so parallel workers do not retry in step.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts (default 60 s), also the cap on a server's Retry-After.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Model calls in flight at once (default 4); local servers (llama.cpp) often want 1.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Calls started per minute, 0 for no limit (default 0); set it to the provider's quota to avoid 429s.</summary>
    public int RequestsPerMinute { get; init; }

    /// <summary>The window <see cref="RequestsPerMinute"/> is counted over; one minute except in tests.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Share of failed calls (default 0.5) within <see cref="CircuitSamplingDuration"/> that opens the circuit.</summary>
    public double CircuitFailureRatio { get; init; } = 0.5;

    /// <summary>Calls needed in the sampling window before the circuit may open (default 10).</summary>
    public int CircuitMinimumThroughput { get; init; } = 10;

    public TimeSpan CircuitSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit rejects calls before letting one through to test the endpoint (default 15 s).</summary>
    public TimeSpan CircuitBreakDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Returns the first invalid setting, or null.</summary>
    public string? Validate() =>
        Timeout <= TimeSpan.Zero ? "timeout must be positive"
        : MaxRetries < 0 ? "max_retries must be 0 or more"
        : BaseDelay < TimeSpan.Zero ? "base_delay must not be negative"
        : MaxDelay < BaseDelay ? "max_delay must be at least base_delay"
        : MaxConcurrency < 1 ? "max_concurrency must be at least 1"
        : RequestsPerMinute < 0 ? "requests_per_minute must be 0 (no limit) or more"
        : CircuitFailureRatio is <= 0 or > 1 ? "circuit_failure_ratio must be in (0, 1]"
        : CircuitMinimumThroughput < 2 ? "circuit_minimum_throughput must be at least 2"
        : CircuitBreakDuration < TimeSpan.FromMilliseconds(500) ? "circuit_break_duration must be at least 0.5 s"
        : null;
}
