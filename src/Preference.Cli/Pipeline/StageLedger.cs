using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Preference.Cli.Serving;

namespace Preference.Cli.Pipeline;

/// <summary>What the run directory remembers of one stage: the fingerprint of its inputs and whether it finished.</summary>
public sealed record StageRecord
{
    [JsonPropertyName("fingerprint")] public required string Fingerprint { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("started_at")] public DateTimeOffset StartedAt { get; init; }
    [JsonPropertyName("finished_at")] public DateTimeOffset? FinishedAt { get; init; }

    public bool Done => Status == StageLedger.DoneStatus;
}

/// <summary>What to do with a stage on this run.</summary>
public enum StagePlan { Run, Resume, Skip }

/// <summary>
/// stages.json of a run directory. A stage's fingerprint hashes its own inputs and the fingerprint of the stage before
/// it, so a change anywhere upstream changes every later fingerprint. Finished stages with unchanged inputs are
/// skipped; interrupted ones resume; any stage whose inputs changed is refused rather than silently mixed with old outputs.
/// </summary>
public sealed class StageLedger(string runDirectory)
{
    public const string DoneStatus = "done";
    public const string FileName = "stages.json";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string FilePath { get; } = Path.Combine(runDirectory, FileName);

    public static string Fingerprint(string previous, object inputs)
    {
        var bytes = Encoding.UTF8.GetBytes(previous + "\n" + JsonSerializer.Serialize(inputs));
        return Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
    }

    public static string FileHash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..16];

    public Dictionary<string, StageRecord> Read() =>
        File.Exists(FilePath)
            ? JsonSerializer.Deserialize<Dictionary<string, StageRecord>>(File.ReadAllText(FilePath)) ?? []
            : [];

    public StagePlan Plan(string stage, string fingerprint)
    {
        if (!Read().TryGetValue(stage, out var record)) return StagePlan.Run;
        if (record.Fingerprint != fingerprint)
            throw new CliException($"stage {stage}: its inputs changed since it {(record.Done ? "finished" : "started")} in {runDirectory} " +
                                   "(config, prompts or an earlier stage); use a new --run-dir or restore the inputs");
        return record.Done ? StagePlan.Skip : StagePlan.Resume;
    }

    public void MarkStarted(string stage, string fingerprint) =>
        Write(stage, new StageRecord { Fingerprint = fingerprint, Status = "started", StartedAt = DateTimeOffset.UtcNow });

    public void MarkDone(string stage, string fingerprint)
    {
        var started = Read().TryGetValue(stage, out var r) ? r.StartedAt : DateTimeOffset.UtcNow;
        Write(stage, new StageRecord { Fingerprint = fingerprint, Status = DoneStatus, StartedAt = started, FinishedAt = DateTimeOffset.UtcNow });
    }

    void Write(string stage, StageRecord record)
    {
        var all = Read();
        all[stage] = record;
        // Write-then-rename so a kill never leaves a half-written ledger.
        var temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(all, Json));
        File.Move(temporary, FilePath, overwrite: true);
    }
}
