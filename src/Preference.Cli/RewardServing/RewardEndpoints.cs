using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Preference.Core.Rewards;
using Preference.Training.Rewards;

namespace Preference.Cli.RewardServing;

/// <summary>
/// The reward server's endpoints: OpenRLHF's <c>POST /get_reward</c>, the plain <c>POST /v1/rewards</c>, and an
/// unauthenticated <c>GET /health</c>. Every score goes through the one <see cref="RewardBatcher"/>.
/// </summary>
public static class RewardEndpoints
{
    /// <summary>Seconds a refused client is asked to wait: about one batch's scoring time, rounded up.</summary>
    const int RetryAfterSeconds = 1;

    public static void MapRewardEndpoints(this IEndpointRouteBuilder app, string? token)
    {
        var scoring = app.MapGroup("").AddEndpointFilter(new BearerTokenFilter(token));
        scoring.MapPost("/get_reward", GetRewardAsync)
            .WithName("GetReward")
            .WithSummary("OpenRLHF remote reward: one reward per query, in order")
            .Accepts<OpenRlhfRewardRequest>("application/json")
            .Produces<OpenRlhfRewardResponse>()
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        scoring.MapPost("/v1/rewards", RewardsAsync)
            .WithName("Rewards")
            .WithSummary("One reward per (prompt, completion), in order; for verl's compute_score and TRL's reward_funcs")
            .Accepts<RewardsRequest>("application/json")
            .Produces<RewardsResponse>()
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        app.MapGet("/health", (RewardBatcher batcher, WeightedReward reward) =>
            {
                var (batches, scored) = batcher.Counts;
                return TypedResults.Ok(new RewardHealth("ok", reward.Parts.Select(p => p.Source.Name).ToList(), batcher.QueuedItems, batches, scored));
            })
            .WithName("Health")
            .WithSummary("Liveness, the configured sources and the queue");
    }

    static Task<IResult> GetRewardAsync(HttpRequest request, RewardBatcher batcher, RewardServerConfig config, CancellationToken cancellationToken) =>
        ScoreAsync(request, batcher, config, RewardRequests.OpenRlhf,
            scores => TypedResults.Ok(new OpenRlhfRewardResponse(scores.Total, scores.Total, scores.Parts)), cancellationToken);

    static Task<IResult> RewardsAsync(HttpRequest request, RewardBatcher batcher, RewardServerConfig config, CancellationToken cancellationToken) =>
        ScoreAsync(request, batcher, config, RewardRequests.Plain,
            scores => TypedResults.Ok(new RewardsResponse(scores.Total, scores.Parts)), cancellationToken);

    static async Task<IResult> ScoreAsync(HttpRequest request, RewardBatcher batcher, RewardServerConfig config,
        Func<System.Text.Json.JsonElement, RewardServerConfig, IReadOnlyList<RewardInput>> read, Func<WeightedScores, IResult> answer,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<RewardInput> inputs;
        try
        {
            inputs = read(await RewardRequests.ReadBodyAsync(request, config.MaxRequestBodyBytes, cancellationToken), config);
        }
        catch (RewardRequestException e)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Problem] },
                detail: e.Message, statusCode: e.Status, title: e.Status == 413 ? "Request too large" : "Invalid request");
        }
        if (batcher.TryScore(inputs, cancellationToken) is not { } scoring)
        {
            request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: $"{batcher.QueuedItems} completions are waiting (max_queued_items {config.MaxQueuedItems}); retry after {RetryAfterSeconds} s");
        }
        try
        {
            return answer(await scoring);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Reward source failed", detail: e.Message);
        }
    }
}
