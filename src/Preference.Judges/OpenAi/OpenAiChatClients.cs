using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Preference.Judges.OpenAi;

/// <summary>Creates <see cref="IChatClient"/>s for OpenAI-compatible chat-completions endpoints.</summary>
public static class OpenAiChatClients
{
    /// <param name="baseUrl">The API root including its version segment, e.g. http://localhost:8000/v1 (vLLM),
    /// http://localhost:11434/v1 (Ollama), https://api.openai.com/v1.</param>
    /// <param name="apiKey">Null or empty for local servers that need none.</param>
    /// <param name="http">Optional HttpClient (tests, proxies); its own timeout is not used.</param>
    public static IChatClient Create(Uri baseUrl, string model, string? apiKey, HttpClient? http = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = baseUrl,
            // Retries, timeouts and limits belong to our Polly pipeline; two retry layers would multiply attempts.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        if (http is not null) options.Transport = new HttpClientPipelineTransport(http);
        var key = string.IsNullOrEmpty(apiKey) ? "no-key" : apiKey;
        return new OpenAIClient(new ApiKeyCredential(key), options).GetChatClient(model).AsIChatClient();
    }
}
