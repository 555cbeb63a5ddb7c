using Parquet.Serialization;

namespace Preference.Core.Datasets.Engines;

/// <summary>Writes prompts as a verl prompt dataset (<c>data.train_files=...parquet</c>).</summary>
public static class VerlParquetWriter
{
    /// <param name="dataSource">verl's <c>data_source</c> column: which reward function a row belongs to.</param>
    /// <param name="ability">verl's <c>ability</c> column: the task family, for bookkeeping.</param>
    /// <param name="style">"model" when the reward server scores responses, "rule" when a rule checks them against the reference.</param>
    public static IReadOnlyList<VerlRow> Rows(IReadOnlyList<EnginePrompt> prompts, string dataSource, string ability, string style, string split) =>
        prompts.Select((p, i) => new VerlRow
        {
            DataSource = dataSource,
            Prompt = EngineMessages.Of(p.Prompt).Select(m => new VerlMessage { Role = m["role"], Content = m["content"] }).ToList(),
            Ability = ability,
            RewardModel = new VerlRewardModel { Style = style, GroundTruth = p.Reference },
            ExtraInfo = new VerlExtraInfo { Split = split, Index = i, PromptText = p.Prompt.AsPlainText() },
        }).ToList();

    public static async Task WriteAsync(string path, IReadOnlyList<VerlRow> rows, CancellationToken cancellationToken = default)
    {
        // Written beside the target and renamed, so an interrupted export never leaves a truncated file behind.
        var partial = path + ".partial";
        await using (var file = File.Create(partial))
            await ParquetSerializer.SerializeAsync(rows, file, cancellationToken: cancellationToken);
        File.Move(partial, path, overwrite: true);
    }
}
