using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Preference.Server.Tests.Infrastructure;

/// <summary>Small HTTP helpers so tests read as the API calls they make.</summary>
public static class Api
{
    public static async Task<string> CreateCampaignAsync(this HttpClient admin, string name, int overlap = 1, int k = 2, string guidelines = "Rank by helpfulness.")
    {
        var response = await admin.PostAsJsonAsync("/api/campaigns", new { name, overlap, responsesPerTask = k, guidelines });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaign").GetProperty("id").GetString()!;
    }

    public static Task<HttpResponseMessage> ImportAsync(this HttpClient admin, string campaignId, string jsonl) =>
        admin.PostAsync($"/api/campaigns/{campaignId}/import", new StringContent(jsonl, Encoding.UTF8, "application/jsonl"));

    public static async Task<JsonElement?> NextAsync(this HttpClient client, string campaignId)
    {
        var response = await client.PostAsync($"/api/campaigns/{campaignId}/next", null);
        if (response.StatusCode == HttpStatusCode.NoContent) return null;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("task");
    }

    public static string[] ShownIds(this JsonElement task) =>
        task.GetProperty("completions").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToArray();

    public static Task<HttpResponseMessage> SubmitAsync(this HttpClient client, string campaignId, string taskId, string[][] ranking) =>
        client.PostAsJsonAsync($"/api/campaigns/{campaignId}/annotations", new { taskId, ranking, timeSpentMs = 1200 });

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static string PromptCompletionsJsonl(int items, int k = 2) => string.Join("\n", Enumerable.Range(0, items).Select(i =>
        JsonSerializer.Serialize(new { prompt = $"Question {i}?", completions = Enumerable.Range(0, k).Select(j => $"Answer {i}.{j}") })));
}
