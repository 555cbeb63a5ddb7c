using System.CommandLine;
using System.Text.Json;
using Preference.Cli.Progress;
using Preference.Cli.Reward;
using Preference.Cli.Serving;
using Preference.Core.Datasets;
using Preference.Training.Common;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Training;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref rm train|eval|score`: train a Bradley–Terry reward model (the rm: section of a YAML config; the trainer is
/// src/Preference.Training/Reward/Training/RewardTrainer.cs), measure it on preference pairs, score completions.
/// </summary>
public static class RmCommand
{
    public static Command Create() => new("rm", "Reward models: train on preferences, evaluate, score completions")
    {
        Train(), Eval(), Score(),
    };

    static Command Train()
    {
        var options = new TrainingCommandOptions("rm", "configs/rm-hh-rlhf.yaml");
        var command = options.Command("train", "Train a Bradley–Terry reward model from the rm: section of a YAML config");
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var settings = options.Load<RewardConfig>(parse);
            var device = RuntimeOptions.Apply(parse);
            var run = new RunDirectory(parse.GetValue(options.Output)!);
            await using var live = await LiveMetrics.ForCommandAsync(parse, run, RewardTrainer.Stage, cancellationToken);
            var report = await RunData(() => TrainingProgressDisplay.RunAsync(progress =>
                RewardTrainingRun.RunAsync(settings, run, device, parse.GetValue(options.Resume), progress, live.Sinks, Console.Error.WriteLine, cancellationToken)));
            var training = report.Training;
            Console.WriteLine($"steps            {training.Steps}{(training.StoppedEarly ? " (stopped early)" : "")}");
            Console.WriteLine($"validation       accuracy {training.ValidationAccuracy:F4}, loss {training.ValidationLoss:F4} (kept step {training.BestStep})");
            if (report.Test is { } test) Console.WriteLine($"test             accuracy {test}");
            Console.WriteLine($"normalisation    mean {report.Normalization.Mean:F4}, std {report.Normalization.Std:F4}");
            Console.WriteLine($"model            {report.ModelDirectory}");
            Console.WriteLine($"metrics          {run.MetricsFile}");
        }));
        return command;
    }

    static Command Eval()
    {
        var model = new Option<string>("--model") { Description = "Reward model directory written by `pref rm train`", Required = true };
        var data = new Option<string>("--data") { Description = "Preference file (TRL JSONL, HH-RLHF, rankings, qa-feedback)", Required = true };
        var output = new Option<string?>("--output") { Description = "Per-pair scores JSONL (default: <data>.scores.jsonl)" };
        var command = new Command("eval", "Pairwise accuracy of a reward model, with a 95% confidence interval")
        {
            model, data, output, RuntimeOptions.Device, RuntimeOptions.Threads,
        };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var device = RuntimeOptions.Apply(parse);
            var dataPath = parse.GetValue(data)!;
            var pairs = await RunData(() => RewardDataReader.ReadFileAsync(dataPath, TieHandling.Drop, DatasetFormat.Auto, cancellationToken));
            using var rewardModel = LoadModel(parse.GetValue(model)!, device);
            var (accuracy, rows) = RewardEvaluator.Evaluate(rewardModel, pairs, cancellationToken);
            var scoresPath = parse.GetValue(output) ?? Path.ChangeExtension(dataPath, null) + ".scores.jsonl";
            await RewardEvaluator.WriteAsync(rows, scoresPath, cancellationToken);
            Console.WriteLine($"accuracy {accuracy}");
            Console.WriteLine($"per-pair scores: {scoresPath}");
        }));
        return command;
    }

    static Command Score()
    {
        var model = new Option<string>("--model") { Description = "Reward model directory written by `pref rm train`", Required = true };
        var input = new Option<string>("--input") { Description = "JSONL of {\"prompt\", \"completion\"} (or \"messages\"); - for standard input", DefaultValueFactory = _ => "-" };
        var output = new Option<string>("--output") { Description = "JSONL of scores, one per input line; - for standard output", DefaultValueFactory = _ => "-" };
        var batch = new Option<int>("--batch-size") { Description = "Completions scored per forward pass", DefaultValueFactory = _ => 32 };
        var command = new Command("score", "Score completions (streaming JSONL in, one score line out per input line)")
        {
            model, input, output, batch, RuntimeOptions.Device, RuntimeOptions.Threads,
        };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var device = RuntimeOptions.Apply(parse);
            int batchSize = parse.GetValue(batch);
            if (batchSize < 1) throw new CliException("--batch-size: must be at least 1");
            using var rewardModel = LoadModel(parse.GetValue(model)!, device);
            var inputPath = parse.GetValue(input)!;
            if (inputPath != "-" && !File.Exists(inputPath)) throw new CliException($"--input: {inputPath}: no such file");
            using var reader = inputPath == "-" ? new StreamReader(Console.OpenStandardInput()) : new StreamReader(inputPath);
            var outputPath = parse.GetValue(output)!;
            await using var writer = outputPath == "-" ? new StreamWriter(Console.OpenStandardOutput()) : new StreamWriter(outputPath);
            await new CompletionScoringStream(rewardModel, batchSize).RunAsync(reader, writer, cancellationToken);
        }));
        return command;
    }

    static Training.Reward.Modeling.RewardModel LoadModel(string directory, TorchSharp.torch.Device device)
    {
        try
        {
            return RewardModelDirectory.Load(directory, device);
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"--model: {e.Message}");
        }
    }

    static async Task<T> RunData<T>(Func<Task<T>> body)
    {
        try
        {
            return await body();
        }
        catch (RewardDataException e)
        {
            throw new CliException(e.Message);
        }
    }
}
