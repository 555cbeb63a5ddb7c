using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Preference.Core.Rewards;

namespace Preference.Training.Rewards;

/// <summary>
/// A reward computed by another process over HTTP (a verifier, a sandbox that runs code, a reward server on a GPU box):
/// POSTs <c>{"prompts": [...], "completions": [...], "labels": [...], "fields": [...]}</c> as JSON, where a label is the
/// prompt's reference answer or null and fields the other fields of its prompts-file line (an object, or null), and
/// reads <c>{"rewards": [...]}</c>, one finite number per completion in order.
/// </summary>
public sealed class HttpReward(string name, Uri url, HttpClient client) : IRewardSource
{
    public string Name { get; } = name;

    public async Task<float[]> ScoreAsync(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        var request = new Request(batch.Select(b => b.Prompt).ToList(), batch.Select(b => b.Completion).ToList(),
            batch.Select(b => b.Reference).ToList(), batch.Select(b => b.Fields).ToList());
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsJsonAsync(url, request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"reward '{Name}': {url} could not be reached: {e.Message}", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"reward '{Name}': {url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            Response? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync<Response>(cancellationToken);
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"reward '{Name}': {url} answered with malformed JSON: {e.Message}", e);
            }
            var rewards = body?.Rewards ?? throw new InvalidOperationException($"reward '{Name}': {url} answered without a \"rewards\" list");
            if (rewards.Length != batch.Count)
                throw new InvalidOperationException($"reward '{Name}': {url} returned {rewards.Length} rewards for {batch.Count} completions");
            if (rewards.Any(r => !double.IsFinite(r)))
                throw new InvalidOperationException($"reward '{Name}': {url} returned a reward that is not a finite number");
            return rewards.Select(r => (float)r).ToArray();
        }
    }

    sealed record Request(
        [property: JsonPropertyName("prompts")] IReadOnlyList<string> Prompts,
        [property: JsonPropertyName("completions")] IReadOnlyList<string> Completions,
        [property: JsonPropertyName("labels")] IReadOnlyList<string?> Labels,
        [property: JsonPropertyName("fields")] IReadOnlyList<IReadOnlyDictionary<string, JsonElement>?> Fields);

    sealed record Response([property: JsonPropertyName("rewards")] double[]? Rewards);
}
