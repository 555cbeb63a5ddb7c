using System.Threading.RateLimiting;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Preference.Judges.Resilience;

/// <summary>
/// The Polly pipeline around one model call, outermost first: retry (jittered exponential backoff, or the server's
/// Retry-After) -> circuit breaker -> requests-per-window limit -> concurrency limit -> per-call timeout. Limits sit
/// inside the retry so a task waiting to retry holds no concurrency slot, and every attempt counts against the rate.
/// </summary>
public static class JudgeResilience
{
    public static ResiliencePipeline Build(ResilienceSettings settings)
    {
        if (settings.Validate() is { } problem) throw new ArgumentException(problem, nameof(settings));

        var builder = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(settings.MaxRetries, 0),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsRetryable),
                DelayGenerator = args => ValueTask.FromResult(ServerRequestedDelay(args.Outcome.Exception, settings.MaxDelay)),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = settings.CircuitFailureRatio,
                MinimumThroughput = settings.CircuitMinimumThroughput,
                SamplingDuration = settings.CircuitSamplingDuration,
                BreakDuration = settings.CircuitBreakDuration,
                // A reply we could not read says nothing about the endpoint's health.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => IsRetryable(e) && e is not UnparseableReplyException),
            });

        if (settings.RequestsPerMinute > 0)
            builder.AddRateLimiter(new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = settings.RequestsPerMinute,
                Window = settings.RateWindow,
                SegmentsPerWindow = 6,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            }));

        return builder
            .AddConcurrencyLimiter(settings.MaxConcurrency, int.MaxValue)
            .AddTimeout(settings.Timeout)
            .Build();
    }

    private static bool IsRetryable(Exception e) => e switch
    {
        PermanentJudgeException => false,
        // The caller's cancellation; Polly's own timeout arrives as TimeoutRejectedException and is retried.
        OperationCanceledException => false,
        _ => true,
    };

    private static TimeSpan? ServerRequestedDelay(Exception? exception, TimeSpan cap)
    {
        TimeSpan? requested = exception switch
        {
            TransientJudgeException { RetryAfter: { } retryAfter } => retryAfter,
            BrokenCircuitException { RetryAfter: { } retryAfter } => retryAfter,
            _ => null,
        };
        return requested is { } delay ? (delay > cap ? cap : delay) : null;
    }
}
