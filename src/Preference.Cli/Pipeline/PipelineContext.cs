using Preference.Training.Dpo;
using Preference.Training.Grpo;
using Preference.Training.Ppo;
using Preference.Training.Reward.Training;
using TorchSharp;

namespace Preference.Cli.Pipeline;

/// <summary>Everything the stages of one quickstart run share: where it writes, what it was asked, the running server.</summary>
public sealed class PipelineContext
{
    public required string RunDirectory { get; init; }
    public required QuickstartSettings Settings { get; init; }
    /// <summary>The rm: section; its train_file is replaced by the exported pairs when the reward stage runs.</summary>
    public required RewardConfig Reward { get; init; }
    /// <summary>The ppo: section, with reward-model paths already resolved against the run directory.</summary>
    public required PpoConfig Ppo { get; init; }
    /// <summary>The dpo: section with train_file set to the exported pairs; null unless quickstart.algorithm is dpo.</summary>
    public DpoConfig? Dpo { get; init; }
    /// <summary>The grpo: section with the campaign's prompts and reward paths resolved; null unless quickstart.algorithm is grpo.</summary>
    public GrpoConfig? Grpo { get; init; }
    public required torch.Device Device { get; init; }
    public required InProcessServer Server { get; init; }
    public required TextWriter Log { get; init; }
    public bool Human { get; init; }
    /// <summary>Stop PPO after this step, leaving the stage to resume (simulates a kill; for tests and demos).</summary>
    public long? StopAfterPpoStep { get; init; }

    public const string CampaignId = "quickstart";

    public string StageDirectory(string stage) => Directory.CreateDirectory(Path.Combine(RunDirectory, stage)).FullName;

    public string CandidatesFile => Path.Combine(RunDirectory, "generate", "candidates.jsonl");
    public string PairsFile => Path.Combine(RunDirectory, "export", "pairs.jsonl");
    public string RewardDirectory => Path.Combine(RunDirectory, "reward");
    public string RewardModelDirectory => Path.Combine(RewardDirectory, "final");
    public string PpoDirectory => Path.Combine(RunDirectory, "ppo");
    public string DpoDirectory => Path.Combine(RunDirectory, "dpo");
    public string GrpoDirectory => Path.Combine(RunDirectory, "grpo");

    /// <summary>The trained policy the evaluation compares with SFT: PPO's, DPO's or GRPO's export (merged, if LoRA was used).</summary>
    public string PolicyDirectory => Settings.Algorithm switch
    {
        QuickstartAlgorithm.Dpo when Dpo?.Lora is not null => Path.Combine(DpoDirectory, "final", "merged"),
        QuickstartAlgorithm.Dpo => Path.Combine(DpoDirectory, "final"),
        QuickstartAlgorithm.Grpo when Grpo?.Lora is not null && Grpo.MergeAdapters => Path.Combine(GrpoDirectory, "final", "merged"),
        QuickstartAlgorithm.Grpo => Path.Combine(GrpoDirectory, "final"),
        _ => Path.Combine(PpoDirectory, "final"),
    };
    public string WinRateFile => Path.Combine(RunDirectory, "eval", "winrate.json");
    public string RewardSummaryFile => Path.Combine(RewardDirectory, "summary.json");
}
