using System.ClientModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Preference.Core.Judging;
using Preference.Core.Rankings;
using Preference.Judges.Parsing;
using Preference.Judges.Prompts;
using Preference.Judges.Resilience;

namespace Preference.Judges.OpenAi;

/// <summary>
/// An LLM judge over any <see cref="IChatClient"/> (an OpenAI-compatible endpoint via <see cref="OpenAiChatClients"/>:
/// vLLM, llama.cpp server, Ollama, hosted APIs). Each task is one prompt; transport faults and unreadable replies are
/// retried under the resilience pipeline, and a task that still has no verdict is returned as failed, never guessed.
/// Judges one presentation order; wrap it in PositionBalancedJudge for position-bias control.
/// </summary>
public sealed class ChatJudge : IJudge
{
    private readonly IChatClient _client;
    private readonly ChatJudgeOptions _options;
    private readonly ResiliencePipeline _pipeline;

    public ChatJudge(IChatClient client, ChatJudgeOptions options)
    {
        _client = client;
        _options = options;
        _pipeline = JudgeResilience.Build(options.Resilience);
        Identity = new JudgeIdentity(options.Name, "llm", options.Model, JudgePrompts.PairwiseVersion + "|" + JudgePrompts.RankingVersion,
            new Dictionary<string, string>
            {
                ["temperature"] = options.Temperature.ToString(CultureInfo.InvariantCulture),
                ["max_output_tokens"] = options.MaxOutputTokens.ToString(CultureInfo.InvariantCulture),
                ["seed"] = options.Seed?.ToString(CultureInfo.InvariantCulture) ?? "none",
            });
    }

    public JudgeIdentity Identity { get; }

    public async Task<JudgeVerdict> JudgeAsync(JudgeTask task, CancellationToken cancellationToken = default)
    {
        if (task.Validate() is { } problem) return JudgeVerdict.Failed(task, Identity, problem);
        if (task.Responses.Count > JudgePrompts.MaxResponses)
            return JudgeVerdict.Failed(task, Identity, $"{task.Responses.Count} responses; the ranking prompt takes at most {JudgePrompts.MaxResponses}");

        var prompt = JudgePrompts.For(task);
        int attempts = 0;
        try
        {
            var (ranking, reply) = await _pipeline.ExecuteAsync(async token =>
            {
                Interlocked.Increment(ref attempts);
                return await AskOnceAsync(prompt, token);
            }, cancellationToken);
            var byId = new Ranking(ranking.Tiers.Select(t => (IReadOnlyList<string>)t.Select(l => prompt.IdByLabel[l]).ToList()).ToList());
            return JudgeVerdict.Ranked(task, Identity, byId, reply.Trim(), attempts) with { PromptTemplate = prompt.TemplateVersion };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return JudgeVerdict.Failed(task, Identity, Describe(e, attempts), attempts) with { PromptTemplate = prompt.TemplateVersion };
        }
    }

    private async Task<(Ranking Ranking, string Reply)> AskOnceAsync(JudgePrompt prompt, CancellationToken token)
    {
        ChatResponse response;
        try
        {
            response = await _client.GetResponseAsync(
                [new ChatMessage(ChatRole.System, prompt.System), new ChatMessage(ChatRole.User, prompt.User)],
                new ChatOptions
                {
                    ModelId = _options.Model,
                    Temperature = _options.Temperature,
                    MaxOutputTokens = _options.MaxOutputTokens,
                    Seed = _options.Seed,
                },
                token);
        }
        catch (ClientResultException e)
        {
            throw Classify(e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Broken connections, truncated bodies and malformed JSON all land here: the endpoint may do better next time.
            throw new TransientJudgeException($"{e.GetType().Name}: {e.Message}", inner: e);
        }

        var parsed = VerdictParser.Parse(response.Text, prompt.Labels);
        return parsed.Ranking is { } ranking ? (ranking, response.Text) : throw new UnparseableReplyException(parsed.Error!);
    }

    private static Exception Classify(ClientResultException e)
    {
        var status = e.Status;
        if (status is 408 or 409 or 429 or >= 500 or 0)
        {
            string? header = null;
            e.GetRawResponse()?.Headers.TryGetValue("Retry-After", out header);
            return new TransientJudgeException($"HTTP {status}: {FirstLine(e.Message)}", RetryAfterHeader.Parse(header, DateTimeOffset.UtcNow), e);
        }
        return new PermanentJudgeException($"HTTP {status}: {FirstLine(e.Message)}", e);
    }

    private string Describe(Exception e, int attempts) => e switch
    {
        UnparseableReplyException => $"unparseable reply after {attempts} attempt(s): {e.Message}",
        TimeoutRejectedException => $"no reply within {_options.Resilience.Timeout.TotalSeconds:0.###} s after {attempts} attempt(s)",
        BrokenCircuitException => $"endpoint circuit open (too many failures) after {attempts} attempt(s)",
        PermanentJudgeException => $"endpoint refused the request: {e.Message}",
        _ => $"failed after {attempts} attempt(s): {e.Message}",
    };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
