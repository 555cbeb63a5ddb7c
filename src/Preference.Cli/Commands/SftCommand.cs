using System.CommandLine;
using System.Globalization;
using Preference.Cli.Progress;
using Preference.Cli.Serving;
using Preference.Models;
using Preference.Training.Common;
using Preference.Training.Data;
using Preference.Training.Sft;

namespace Preference.Cli.Commands;

/// <summary>`pref sft`: supervised fine-tuning (full, frozen layers or LoRA) from the <c>sft:</c> section of a YAML config.</summary>
public static class SftCommand
{
    public static Command Create()
    {
        var options = new TrainingCommandOptions("sft", "configs/sft.yaml");
        var command = options.Command("sft", "Supervised fine-tuning: full, with frozen layers, or LoRA");
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var settings = options.Load<SftConfig>(parse);
            var device = RuntimeOptions.Apply(parse);
            using var bundle = ModelBundle.Load(settings.Model, device, cancellationToken: cancellationToken);
            SftData data;
            try { data = await SftData.LoadAsync(settings, bundle.Tokenizer, cancellationToken); }
            catch (SftDataException e) { throw new CliException(e.Message); }
            WarnAboutCuts(data);

            var run = new RunDirectory(parse.GetValue(options.Output)!);
            await using var live = await LiveMetrics.ForCommandAsync(parse, run, SftTrainer.Stage, cancellationToken);

            var trainer = new SftTrainer(settings, bundle.Model, bundle.Tokenizer, data, run, live.Sinks);
            var result = await TrainingProgressDisplay.RunAsync(progress => trainer.TrainAsync(parse.GetValue(options.Resume), progress, cancellationToken));
            Report(result, run);
        }));
        return command;
    }

    static void WarnAboutCuts(SftData data)
    {
        int truncated = data.Train.Truncated + data.Validation.Truncated, dropped = data.Train.DroppedWithoutTargets + data.Validation.DroppedWithoutTargets;
        if (truncated > 0) Console.Error.WriteLine($"warning: {truncated} examples were longer than max_length and were cut at the end");
        if (dropped > 0) Console.Error.WriteLine($"warning: {dropped} examples had no completion token left within max_length and were skipped");
    }

    static void Report(SftResult result, RunDirectory run)
    {
        string F(double? v) => v is { } x ? x.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine($"steps            {result.Steps}{(result.StoppedEarly ? " (stopped early)" : "")}");
        Console.WriteLine($"validation loss  final {F(result.FinalValidationLoss)}, best {F(result.BestValidationLoss)} at step {result.BestStep?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
        if (!double.IsNaN(result.ForgettingPerplexity))
            Console.WriteLine($"forgetting       perplexity on base-model text {F(result.ForgettingBasePerplexity)} -> {F(result.ForgettingPerplexity)}");
        Console.WriteLine($"model            {result.FinalDirectory}");
        if (result.MergedDirectory is { } merged) Console.WriteLine($"merged           {merged}");
        Console.WriteLine($"metrics          {run.MetricsFile}");
    }
}
