using System.Text.Json;
using System.Text.Json.Nodes;
using Preference.Cli.Serving;
using Preference.Core.Domain;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Modeling;

namespace Preference.Cli.Reward;

/// <summary>
/// `pref rm score`'s loop: reads JSONL lines of <c>{"prompt", "completion"}</c> (strings or message lists) or
/// <c>{"messages"}</c>, each with an optional <c>reference</c> answer string (read by reference-guided models), scores
/// them a batch at a time and writes one line per input line in order, with the raw score and, when the model has
/// statistics, the normalised one. Memory stays bounded by one batch however long the input.
/// </summary>
public sealed class CompletionScoringStream(RewardModel model, int batchSize)
{
    public async Task RunAsync(TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var pending = new List<((string Prompt, string Completion, string? Reference) Input, JsonObject Echo)>();
        long line = 0;
        while (await input.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            pending.Add(Parse(text, line));
            if (pending.Count == batchSize) await FlushAsync(pending, output, cancellationToken);
        }
        await FlushAsync(pending, output, cancellationToken);
    }

    async Task FlushAsync(List<((string Prompt, string Completion, string? Reference) Input, JsonObject Echo)> pending, TextWriter output, CancellationToken cancellationToken)
    {
        if (pending.Count == 0) return;
        var scores = model.Score(pending.Select(p => p.Input).ToList(), pending.Count, cancellationToken);
        for (int i = 0; i < pending.Count; i++)
        {
            var row = pending[i].Echo;
            row["score"] = scores[i];
            if (model.Statistics is { } statistics) row["normalized_score"] = Math.Round(statistics.Normalize(scores[i]), 6);
            await output.WriteLineAsync(row.ToJsonString().AsMemory(), cancellationToken);
        }
        await output.FlushAsync(cancellationToken);
        pending.Clear();
    }

    static ((string Prompt, string Completion, string? Reference) Input, JsonObject Echo) Parse(string text, long line)
    {
        JsonElement record;
        try
        {
            using var document = JsonDocument.Parse(text);
            record = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CliException($"input line {line}: invalid JSON");
        }
        if (record.ValueKind != JsonValueKind.Object) throw new CliException($"input line {line}: must be a JSON object");
        var echo = new JsonObject { ["line"] = line };
        if (record.TryGetProperty("id", out var id)) echo["id"] = JsonNode.Parse(id.GetRawText());
        string? reference = record.TryGetProperty("reference", out var r) && r.ValueKind != JsonValueKind.Null
            ? r.ValueKind == JsonValueKind.String ? r.GetString() : throw new CliException($"input line {line}: reference: must be a string")
            : null;
        if (record.TryGetProperty("messages", out var messages))
        {
            var turns = Messages(messages, line, "messages");
            if (turns.Count < 2 || turns[^1].Role != "assistant")
                throw new CliException($"input line {line}: messages: must end with an assistant turn after a prompt");
            return ((RewardText.Prompt(null, turns.Take(turns.Count - 1).ToList()), turns[^1].Content, reference), echo);
        }
        if (!record.TryGetProperty("completion", out var completion))
            throw new CliException($"input line {line}: completion: required (or messages)");
        string prompt = record.TryGetProperty("prompt", out var p)
            ? p.ValueKind switch
            {
                JsonValueKind.String => p.GetString()!,
                JsonValueKind.Array => RewardText.Prompt(null, Messages(p, line, "prompt")),
                _ => throw new CliException($"input line {line}: prompt: must be a string or a list of messages"),
            }
            : "";
        string answer = completion.ValueKind switch
        {
            JsonValueKind.String => completion.GetString()!,
            JsonValueKind.Array => RewardText.Completion(null, Messages(completion, line, "completion")),
            _ => throw new CliException($"input line {line}: completion: must be a string or a list of messages"),
        };
        return ((prompt, answer, reference), echo);
    }

    static List<Message> Messages(JsonElement value, long line, string field)
    {
        if (value.ValueKind != JsonValueKind.Array) throw new CliException($"input line {line}: {field}: must be a list of messages");
        return value.EnumerateArray().Select((m, i) =>
            m.ValueKind == JsonValueKind.Object && m.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String
                && m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String
                ? new Message(r.GetString()!, c.GetString()!)
                : throw new CliException($"input line {line}: {field}[{i}]: must be an object with string 'role' and 'content'")).ToList();
    }
}
