using System.Runtime.CompilerServices;
using System.Text.Json;
using Preference.Core.Domain;

namespace Preference.Core.Datasets.Engines;

/// <summary>
/// Reads back what <see cref="TrlPreferenceWriter"/> writes (a campaign export, a quickstart's
/// <c>export/pairs.jsonl</c>) or any other TRL preference file, so the pairs can be re-shaped for another engine without
/// going back to the store. The row's TRL columns go through <see cref="ImportItemParser"/>, the parser an import uses,
/// so both read standard, conversational and implicit-prompt rows alike; <c>agreement</c> and <c>votes</c> are ours.
/// </summary>
public static class TrlPreferenceReader
{
    public static async IAsyncEnumerable<PreferencePair> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such preference file", path);
        int line = 0;
        await foreach (var text in File.ReadLinesAsync(path, cancellationToken))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            yield return Parse(text, $"{path}: line {line}", $"l{line}");
        }
    }

    /// <param name="where">Prefix for errors, naming the file and line.</param>
    /// <param name="id">The prompt's id; the chosen and rejected completions get it with "c" and "r" appended.</param>
    public static PreferencePair Parse(string json, string where, string id)
    {
        var (row, error) = DatasetReader.ParseJson(json);
        if (error is not null) throw new DatasetFormatException($"{where}: {error}");
        ImportItem item;
        try
        {
            // Standard and conversational rows parse alike: the type of "chosen" decides.
            item = ImportItemParser.Parse(row, DatasetFormat.TrlStandard);
        }
        catch (DatasetFormatException e)
        {
            throw new DatasetFormatException($"{where}: {e.Message}");
        }
        Completion Answer(ImportCompletion completion, string suffix) => new()
        {
            Id = id + suffix,
            PromptId = id,
            Text = completion.Text,
            Messages = completion.Messages,
            SourceModel = completion.SourceModel,
            GenerationParams = completion.GenerationParams,
        };
        double agreement = row.TryGetProperty("agreement", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : 1;
        int votes = row.TryGetProperty("votes", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 1;
        return new PreferencePair(new Prompt { Id = id, Text = item.PromptText, Messages = item.PromptMessages },
            Answer(item.Completions[0], "c"), Answer(item.Completions[1], "r"), agreement, votes);
    }
}
