namespace Preference.Cli.Handoff;

/// <summary>The README.md of a hand-off directory: what is in it and what to run on which machine.</summary>
public static class HandoffReadme
{
    public static IEnumerable<string> Lines(string engine, HandoffPlan plan, string runDirectory, string? rewardConfig, IReadOnlyList<string> engineLines)
    {
        yield return $"# Hand-off to {engine}";
        yield return "";
        yield return $"Written by `pref handoff {engine}` from the {plan.Run.Kind} run `{Path.GetFullPath(runDirectory)}`.";
        yield return "";
        yield return "| path | what |";
        yield return "|---|---|";
        yield return $"| `{HandoffPlan.PolicyDirectory}/` | the policy to continue from, a Hugging Face model directory (`AutoModelForCausalLM.from_pretrained`) |";
        if (plan.HasRewardModel)
            yield return $"| `{HandoffPlan.RewardModelDirectory}/` | the run's reward model: `LlamaForSequenceClassification` weights (`score.weight`, `num_labels: 1`) plus `reward_model.json` (truncation, pooling, normalisation) that `pref serve-reward` applies |";
        yield return $"| `{HandoffPlan.RewardServerConfig}` | `pref serve-reward` config: {(rewardConfig is null ? "the reward model above" : $"copied from `{rewardConfig}`")} |";
        yield return $"| `{HandoffPlan.DataDirectory}/` | prompts (and pairs) in {engine}'s format, below |";
        yield return "";
        yield return "## 1. Start the reward server (any machine the trainers can reach; CPU is enough for the bundled sizes)";
        yield return "";
        yield return "```bash";
        yield return "cd this-directory";
        yield return $"PREF_REWARD_TOKEN=choose-a-secret pref serve-reward --config {HandoffPlan.RewardServerConfig} --urls http://0.0.0.0:5090";
        yield return "curl -s http://REWARD_HOST:5090/health   # {\"status\":\"ok\",...}";
        yield return "```";
        yield return "";
        yield return "Export `PREF_REWARD_TOKEN` with the same value where the trainer runs (the Python clients send it as a bearer token); leave it unset on a trusted network. OpenRLHF's own client sends no token: run the server without one for OpenRLHF, on a private network.";
        yield return "";
        yield return "## 2. Train (on the GPU cluster)";
        yield return "";
        foreach (var line in engineLines) yield return line;
        yield return "";
    }
}
