using System.CommandLine;
using Preference.Cli.Progress;
using Preference.Cli.Rewards;
using Preference.Cli.Serving;
using Preference.Models;
using Preference.Models.Heads;
using Preference.Training.Common;
using Preference.Training.Ppo;
using TorchSharp;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref ppo --config configs/ppo.yaml --output runs/ppo [--resume]`: optimise the SFT policy against the configured
/// rewards with PPO (src/Preference.Training/Ppo). Ctrl-C stops; --resume continues from the last checkpoint.
/// </summary>
public static class PpoCommand
{
    public static Command Create()
    {
        var options = new TrainingCommandOptions("ppo", "configs/ppo-stories.yaml");
        var command = options.Command("ppo", "Optimise a policy against rewards with PPO");
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var device = RuntimeOptions.Apply(parse);
            var settings = options.Load<PpoConfig>(parse);
            var fromFile = settings.PromptsFile is { } file ? PromptLists.ReadWithExtras(file, "ppo.prompts_file") : null;
            var prompts = fromFile?.Prompts ?? settings.Prompts;
            var references = fromFile?.References;
            var run = new RunDirectory(parse.GetValue(options.Output)!);
            await using var live = await LiveMetrics.ForCommandAsync(parse, run, PpoTrainer.Stage, cancellationToken);

            using var models = LoadModels(settings, device);
            var reward = await CliRewardSources.BuildAsync(settings, models, device, cancellationToken);
            var trainer = new PpoTrainer(settings, models, reward, prompts, run) { Sinks = live.Sinks, References = references };
            var result = await trainer.TrainAsync(parse.GetValue(options.Resume), new PpoProgressLine(Console.Error), cancellationToken);
            Console.WriteLine($"ppo: {result.Steps} steps; metrics in {run.MetricsFile}; policy in {result.MergedDirectory ?? result.FinalDirectory}" +
                              (settings.Lora is not null ? $"; LoRA adapters in {result.FinalDirectory}" : ""));
        }));
        return command;
    }

    static PpoModels LoadModels(PpoConfig settings, torch.Device device)
    {
        if (settings.ValueModel is null) return PpoModels.Load(settings, device);
        var policy = ModelBundle.Load(settings.Policy, device);
        // The value model starts from the reward model's trunk and head, as OpenRLHF and TRL initialise it.
        // (its last-token head: a value is needed at every position, which a pooled head does not give).
        var rewardNetwork = RewardModelLoader.Load(settings.ValueModel, device).Network;
        var value = new ScoredLanguageModel(rewardNetwork.Trunk, rewardNetwork.Score);
        return PpoModels.From(settings, policy, value, device);
    }

    /// <summary>One line per step on stderr with the numbers a user watches.</summary>
    sealed class PpoProgressLine(TextWriter writer) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            double Get(string name) => p.Metrics.TryGetValue(name, out var v) ? v : double.NaN;
            writer.WriteLine($"ppo: step {p.Step}/{p.TotalSteps}  scores {Get("objective/scores"):0.000}  kl {Get("objective/kl"):0.00}  " +
                             $"rlhf_reward {Get("objective/rlhf_reward"):0.000}  approxkl {Get("policy/approxkl_avg"):0.0000}  " +
                             $"{Get("perf/samples_per_second"):0.0} samples/s  eta {p.EstimatedRemaining:hh\\:mm\\:ss}");
        }
    }
}
