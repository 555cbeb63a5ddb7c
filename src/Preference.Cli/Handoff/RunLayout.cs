using System.Text.Json;
using Preference.Cli.Serving;
using Preference.Training.Reward.Export;

namespace Preference.Cli.Handoff;

/// <summary>
/// What a run directory holds for a hand-off, found by its layout: a quickstart run (stages.json; ppo/final,
/// reward/final, export/pairs.jsonl, the PPO prompts in config.json), a `pref ppo` run (final/ a policy) or a
/// `pref rm train` run (final/ a reward model).
/// </summary>
public sealed record RunLayout(string Kind, string? Policy, string? RewardModel, string? PairsFile, IReadOnlyList<string>? Prompts)
{
    public static RunLayout Detect(string directory)
    {
        if (!Directory.Exists(directory)) throw new CliException($"--run: {directory}: no such directory");
        if (File.Exists(Path.Combine(directory, "stages.json")))
            return new RunLayout("quickstart",
                PolicyIn(Path.Combine(directory, "ppo", "final")),
                RewardModelIn(Path.Combine(directory, "reward", "final")),
                Existing(Path.Combine(directory, "export", "pairs.jsonl")),
                QuickstartPrompts(Path.Combine(directory, "config.json")));
        var final = Path.Combine(directory, "final");
        if (RewardModelIn(final) is { } rewardModel) return new RunLayout("rm", null, rewardModel, null, null);
        if (PolicyIn(final) is { } policy) return new RunLayout("ppo", policy, null, null, null);
        throw new CliException($"--run: {directory} is not a quickstart, ppo or rm run directory (no stages.json, no final/ model)");
    }

    /// <summary>A PPO final directory: the merged model when the policy was trained with LoRA adapters.</summary>
    static string? PolicyIn(string final)
    {
        var merged = Path.Combine(final, "merged");
        if (File.Exists(Path.Combine(merged, "config.json"))) return merged;
        return File.Exists(Path.Combine(final, "config.json")) && !File.Exists(Path.Combine(final, RewardModelCard.FileName)) ? final : null;
    }

    static string? RewardModelIn(string final) => File.Exists(Path.Combine(final, RewardModelCard.FileName)) ? final : null;

    static string? Existing(string path) => File.Exists(path) ? path : null;

    /// <summary>The inline PPO prompts a quickstart resolved into config.json (null when it used a prompts file).</summary>
    static List<string>? QuickstartPrompts(string configJson)
    {
        if (!File.Exists(configJson)) return null;
        using var document = JsonDocument.Parse(File.ReadAllText(configJson));
        if (!document.RootElement.TryGetProperty("ppo", out var ppo)) return null;
        foreach (var name in new[] { "Prompts", "prompts" })
            if (ppo.TryGetProperty(name, out var prompts) && prompts.ValueKind == JsonValueKind.Array && prompts.GetArrayLength() > 0)
                return prompts.EnumerateArray().Select(p => p.GetString() ?? "").Where(p => p.Length > 0).ToList();
        return null;
    }
}
