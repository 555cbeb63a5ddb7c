using Preference.Cli.Rewards;
using Preference.Core.Datasets;
using Preference.Core.Datasets.Engines;
using Preference.Core.Domain;

namespace Preference.Cli.Handoff;

/// <summary>
/// Writes preference pairs or prompts in an engine's format; `pref export` and `pref handoff` both write through
/// here. Every file is written beside its target and renamed, so an interrupted export leaves no truncated file.
/// </summary>
public static class EngineExport
{
    /// <returns>Rows written.</returns>
    public static async Task<int> WritePairsAsync(EngineFormat format, IAsyncEnumerable<PreferencePair> pairs, string path,
        TrlExportStyle style, bool margin, CancellationToken cancellationToken)
    {
        if (format == EngineFormat.Verl) throw new ArgumentException("verl takes prompts, not pairs", nameof(format));
        return await WriteAtomicallyAsync(path, stream => format == EngineFormat.Kto
            ? KtoWriter.WriteAsync(stream, pairs, style, cancellationToken)
            : TrlPreferenceWriter.WriteAsync(stream, pairs, style, cancellationToken, margin: margin || format == EngineFormat.OpenRlhf));
    }

    public static async Task<int> WriteVerlAsync(IReadOnlyList<EnginePrompt> prompts, string path, VerlOptions options, CancellationToken cancellationToken)
    {
        if (prompts.Count == 0) throw new Serving.CliException("verl: there are no prompts to export");
        await VerlParquetWriter.WriteAsync(path, VerlParquetWriter.Rows(prompts, options.DataSource, options.Ability, options.RewardStyle, options.Split), cancellationToken);
        return prompts.Count;
    }

    public static Task<int> WriteOpenRlhfPromptsAsync(IReadOnlyList<EnginePrompt> prompts, string path, bool conversational, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(path, stream => OpenRlhfPromptWriter.WriteAsync(stream, prompts, conversational, cancellationToken));

    /// <summary>
    /// Prompts from a prompts file (.txt, .jsonl with optional <c>reference</c>, .yaml <c>prompts:</c>) as PPO reads
    /// them, or else the distinct prompts of the pairs.
    /// </summary>
    public static async Task<List<EnginePrompt>> PromptsAsync(string? promptsFile, Func<IAsyncEnumerable<PreferencePair>>? pairs, string option,
        CancellationToken cancellationToken)
    {
        if (promptsFile is not null)
        {
            var file = PromptLists.ReadWithExtras(promptsFile, option);
            return file.Prompts.Select((t, i) => EnginePrompt.FromText(t, file.References?.GetValueOrDefault(t), i)).ToList();
        }
        if (pairs is null) throw new Serving.CliException($"{option}: required when there are no pairs to take prompts from");
        return await EnginePrompt.DistinctAsync(pairs(), cancellationToken);
    }

    /// <summary>The pairs of a preference file, with a bad line reported as one CLI error.</summary>
    public static async IAsyncEnumerable<PreferencePair> ReadPairsAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pairs = TrlPreferenceReader.ReadAsync(path, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await pairs.MoveNextAsync()) yield break;
                }
                catch (DatasetFormatException e)
                {
                    throw new Serving.CliException(e.Message);
                }
                yield return pairs.Current;
            }
        }
        finally
        {
            await pairs.DisposeAsync();
        }
    }

    static async Task<int> WriteAtomicallyAsync(string path, Func<Stream, Task<int>> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var partial = path + ".partial";
        int rows;
        try
        {
            await using (var file = File.Create(partial)) rows = await write(file);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        File.Move(partial, path, overwrite: true);
        return rows;
    }
}

/// <summary>verl's per-row labels: which reward function (<c>data_source</c>), the task family, the reward style and split.</summary>
public sealed record VerlOptions(string DataSource = "preference", string Ability = "preference", string RewardStyle = "model", string Split = "train");
