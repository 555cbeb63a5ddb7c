using System.CommandLine;
using System.Globalization;
using Preference.Cli.Progress;
using Preference.Cli.Serving;
using Preference.Models;
using Preference.Training.Common;
using Preference.Training.Dpo;
using Preference.Training.Reward.Data;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref dpo` and `pref kto`: offline preference optimisation from the <c>dpo:</c> (or <c>kto:</c>) section of a YAML
/// config, straight from collected rankings; no reward model. The trainer is src/Preference.Training/Dpo/DpoTrainer.cs.
/// </summary>
public static class DpoCommand
{
    public static Command Create() => Build("dpo", "Direct preference optimisation (sigmoid, ipo, hinge, robust, simpo, kto) from preference pairs");

    public static Command CreateKto() => Build("kto", "KTO from thumbs-up/down labelled completions (or preference pairs, unpaired)");

    static Command Build(string section, string description)
    {
        var options = new TrainingCommandOptions(section, "configs/dpo-stories.yaml");
        var command = options.Command(section, description);
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var configPath = parse.GetValue(options.Config);
            var settings = options.Load<DpoConfig>(parse);
            if (section == DpoTrainer.KtoStage)
            {
                if (settings.Loss is not (PreferenceLossType.Kto or PreferenceLossType.Sigmoid))
                    throw new CliException($"{configPath ?? "(defaults)"}: kto.loss: pref kto trains loss kto; use pref dpo for {settings.Loss.ToString().ToLowerInvariant()}");
                settings = settings with { Loss = PreferenceLossType.Kto };
            }
            var result = await RunAsync(settings, parse.GetValue(options.Output)!, parse.GetValue(options.Resume), RuntimeOptions.Apply(parse),
                parse, cancellationToken);
            Report(result);
        }));
        return command;
    }

    /// <summary>Loads model, reference and data, trains, and returns how it ended.</summary>
    static async Task<TrainingOutcome> RunAsync(DpoConfig settings, string output, bool resume, TorchSharp.torch.Device device,
        ParseResult parse, CancellationToken cancellationToken)
    {
        using var bundle = ModelBundle.Load(settings.Model, device, cancellationToken: cancellationToken);
        PreferenceData data;
        try { data = await PreferenceData.LoadAsync(settings, bundle.Tokenizer, cancellationToken); }
        catch (RewardDataException e) { throw new CliException(e.Message); }
        if (data.Truncated > 0) Console.Error.WriteLine($"warning: {data.Truncated} rows were longer than max_length; their completions were cut at the end");
        if (data.Dropped > 0) Console.Error.WriteLine($"warning: {data.Dropped} rows had no completion token left within max_length and were skipped");

        // Full fine-tuning compares against a frozen copy of the start; LoRA turns its adapters off instead.
        using var reference = settings.NeedsReferenceModel() ? ModelBundle.Load(settings.Model, device, cancellationToken: cancellationToken) : null;
        var run = new RunDirectory(output);
        var stage = settings.Loss == PreferenceLossType.Kto ? DpoTrainer.KtoStage : DpoTrainer.Stage;
        await using var live = await LiveMetrics.ForCommandAsync(parse, run, stage, cancellationToken);

        var trainer = new DpoTrainer(settings, bundle.Model, bundle.Tokenizer, data, run, reference?.Model, live.Sinks);
        return await TrainingProgressDisplay.RunAsync(p => trainer.TrainAsync(resume, p, cancellationToken));
    }

    static void Report(TrainingOutcome result)
    {
        string F(double? v) => v is { } x ? x.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
        double? Eval(string name) => result.LastEvaluation is { } e && e.TryGetValue(name, out var v) ? v : null;
        Console.WriteLine($"steps            {result.Steps}{(result.StoppedEarly ? " (stopped early)" : "")}");
        Console.WriteLine($"validation       loss {F(Eval("loss"))}, reward accuracy {F(Eval("rewards/accuracies"))}, margin {F(Eval("rewards/margins"))}; " +
                          $"best loss {F(result.BestObjective)} at step {result.BestStep?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
        Console.WriteLine($"model            {result.FinalDirectory}");
        if (result.MergedDirectory is { } merged) Console.WriteLine($"merged           {merged}");
        Console.WriteLine($"metrics          {Path.Combine(Path.GetDirectoryName(result.FinalDirectory)!, "metrics.jsonl")}");
    }
}
