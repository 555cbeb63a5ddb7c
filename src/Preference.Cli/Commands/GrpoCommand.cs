using System.CommandLine;
using Preference.Cli.Progress;
using Preference.Cli.Rewards;
using Preference.Cli.Serving;
using Preference.Training.Common;
using Preference.Training.Grpo;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref grpo --config configs/grpo.yaml --output runs/grpo [--resume]`: critic-free online RL (GRPO, RLOO,
/// REINFORCE++) against the configured rewards (src/Preference.Training/Grpo). Ctrl-C stops; --resume continues
/// from the last checkpoint.
/// </summary>
public static class GrpoCommand
{
    public static Command Create()
    {
        var options = new TrainingCommandOptions("grpo", "configs/grpo-stories.yaml");
        var command = options.Command("grpo", "Optimise a policy against rewards with GRPO, RLOO or REINFORCE++ (no value model)");
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var device = RuntimeOptions.Apply(parse);
            var settings = options.Load<GrpoConfig>(parse);
            var fromFile = settings.PromptsFile is { } file ? PromptLists.ReadWithExtras(file, "grpo.prompts_file") : null;
            var prompts = fromFile?.Prompts ?? settings.Prompts;
            var references = fromFile?.References;
            var fields = fromFile?.Fields;
            var run = new RunDirectory(parse.GetValue(options.Output)!);
            await using var live = await LiveMetrics.ForCommandAsync(parse, run, GrpoTrainer.Stage, cancellationToken);

            using var models = GrpoModels.Load(settings, device);
            var reward = await CliRewardSources.BuildAsync(settings, device, cancellationToken);
            var trainer = new GrpoTrainer(settings, models, reward, prompts, run)
            {
                Sinks = live.Sinks,
                Warnings = Console.Error,
                References = references,
                PromptFields = fields,
            };
            var result = await trainer.TrainAsync(parse.GetValue(options.Resume), new GrpoProgressLine(Console.Error), cancellationToken);
            Console.WriteLine($"grpo: {result.Steps} steps; metrics in {run.MetricsFile}; policy in {result.MergedDirectory ?? result.FinalDirectory}" +
                              (settings.Lora is not null ? $"; LoRA adapters in {result.FinalDirectory}" : ""));
        }));
        return command;
    }

    /// <summary>One line per step on stderr with the numbers a user watches.</summary>
    sealed class GrpoProgressLine(TextWriter writer) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            double Get(string name) => p.Metrics.TryGetValue(name, out var v) ? v : double.NaN;
            writer.WriteLine($"grpo: step {p.Step}/{p.TotalSteps}  reward {Get("reward"):0.000}  reward_std {Get("reward_std"):0.000}  " +
                             $"zero_std {Get("frac_reward_zero_std"):0.00}  kl {Get("kl"):0.0000}  clipped {Get("completions/clipped_ratio"):0.00}  " +
                             $"{Get("perf/samples_per_second"):0.0} samples/s  eta {p.EstimatedRemaining:hh\\:mm\\:ss}");
        }
    }
}
