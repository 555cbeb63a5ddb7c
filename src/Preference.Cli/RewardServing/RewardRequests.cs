using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Preference.Core.Rewards;

namespace Preference.Cli.RewardServing;

/// <summary>
/// Reads the two request bodies into reward inputs, refusing anything malformed with the field at fault: a missing
/// or non-list field, an entry that is not a string, lists of different lengths (400), too many entries or too long
/// a text (413). Bodies are read as JSON documents rather than bound to records so that an error can say which entry
/// of which list is wrong, not only that the body did not bind.
/// </summary>
public static class RewardRequests
{
    public static async Task<JsonElement> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
            throw new RewardRequestException(413, "body", $"{request.ContentLength} bytes; at most {maxBytes}");
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new RewardRequestException(400, "body", $"expected a JSON object, got {Kind(document.RootElement)}");
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new RewardRequestException(400, "body", $"not valid JSON ({e.Message.Split(" Path:")[0].Split(" LineNumber")[0]})");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            throw new RewardRequestException(413, "body", $"larger than {maxBytes} bytes");
        }
    }

    /// <summary>OpenRLHF's <c>{"query": [...], "prompts": [...], "labels": [...]}</c>; prompts and labels are optional.</summary>
    public static IReadOnlyList<RewardInput> OpenRlhf(JsonElement body, RewardServerConfig limits)
    {
        var queries = Strings(body, "query", limits, required: true, nulls: false)!;
        var prompts = Strings(body, "prompts", limits, required: false, nulls: true);
        var labels = Strings(body, "labels", limits, required: false, nulls: true, numbers: true);
        SameLength(prompts, "prompts", queries.Count, "query");
        SameLength(labels, "labels", queries.Count, "query");
        var inputs = new RewardInput[queries.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            var (prompt, completion) = OpenRlhfQuery.Split(queries[i]!, prompts?[i]);
            inputs[i] = new RewardInput(prompt, completion, Reference: labels?[i]);
        }
        return inputs;
    }

    /// <summary>
    /// <c>{"prompts": [...], "completions": [...], "references": [...]}</c> (<c>labels</c> is accepted for references,
    /// the name verl's ground truths and OpenRLHF use).
    /// </summary>
    public static IReadOnlyList<RewardInput> Plain(JsonElement body, RewardServerConfig limits)
    {
        var completions = Strings(body, "completions", limits, required: true, nulls: false)!;
        var prompts = Strings(body, "prompts", limits, required: true, nulls: false)!;
        var references = Strings(body, "references", limits, required: false, nulls: true, numbers: true);
        var labels = Strings(body, "labels", limits, required: false, nulls: true, numbers: true);
        if (references is not null && labels is not null)
            throw new RewardRequestException(400, "labels", "give references or labels, not both");
        references ??= labels;
        SameLength(prompts, "prompts", completions.Count, "completions");
        SameLength(references, body.TryGetProperty("references", out _) ? "references" : "labels", completions.Count, "completions");
        var inputs = new RewardInput[completions.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = new RewardInput(prompts[i]!, completions[i]!, Reference: references?[i]);
        return inputs;
    }

    static List<string?>? Strings(JsonElement body, string field, RewardServerConfig limits, bool required, bool nulls, bool numbers = false)
    {
        if (!body.TryGetProperty(field, out var list) || (list.ValueKind == JsonValueKind.Null && !required))
            return required ? throw new RewardRequestException(400, field, "required: a list of strings") : null;
        if (list.ValueKind != JsonValueKind.Array)
            throw new RewardRequestException(400, field, $"expected a list of strings, got {Kind(list)}");
        int count = list.GetArrayLength();
        if (count > limits.MaxItemsPerRequest)
            throw new RewardRequestException(413, field, $"{count} entries; at most {limits.MaxItemsPerRequest} per request (max_items_per_request)");
        var values = new List<string?>(count);
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            string? value = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Null when nulls => null,
                JsonValueKind.Number when numbers => item.GetRawText(),
                _ => throw new RewardRequestException(400, $"{field}[{index}]", $"expected a string{(nulls ? " or null" : "")}, got {Kind(item)}"),
            };
            if (value is { Length: var length } && length > limits.MaxTextLength)
                throw new RewardRequestException(413, $"{field}[{index}]", $"{length} characters; at most {limits.MaxTextLength} (max_text_length)");
            values.Add(value);
            index++;
        }
        return values;
    }

    static void SameLength(List<string?>? values, string field, int expected, string of)
    {
        if (values is not null && values.Count != expected)
            throw new RewardRequestException(400, field, $"{values.Count} entries but {of} has {expected}; they must match one to one");
    }

    static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
