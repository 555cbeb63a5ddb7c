using Preference.Training.Common;
using Spectre.Console;

namespace Preference.Cli.Progress;

/// <summary>
/// The progress display every trainer's command uses: a live Spectre.Console bar with loss, tokens/s, MFU and ETA on a
/// terminal, plain lines when stderr is redirected. Progress goes to stderr so stdout stays for results.
/// <code>await TrainingProgressDisplay.RunAsync(progress => trainer.TrainAsync(progress, cancellationToken));</code>
/// </summary>
public static class TrainingProgressDisplay
{
    /// <summary>How often the plain display writes a line.</summary>
    public static TimeSpan PlainInterval { get; set; } = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(Func<IProgress<TrainingProgress>, Task> work, TextWriter? output = null) =>
        await RunAsync<bool>(async progress =>
        {
            await work(progress);
            return true;
        }, output);

    public static async Task<T> RunAsync<T>(Func<IProgress<TrainingProgress>, Task<T>> work, TextWriter? output = null)
    {
        bool redirected = output is not null || Console.IsErrorRedirected;
        if (redirected) return await work(new PlainTrainingProgress(output ?? Console.Error, PlainInterval));

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var stats = new TrainingStatsColumn();
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), stats)
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                // The bar is left where the trainer stopped: an early stop should not look like a finished schedule.
                return await work(new SpectreTrainingProgress(task, stats));
            });
    }
}
