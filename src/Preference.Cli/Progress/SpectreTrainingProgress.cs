using Preference.Training.Common;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Preference.Cli.Progress;

/// <summary>Feeds a Spectre.Console progress task: bar position from the step, the stats column from the metrics.</summary>
sealed class SpectreTrainingProgress(ProgressTask task, TrainingStatsColumn stats) : IProgress<TrainingProgress>
{
    readonly Lock _gate = new();
    readonly StepRate _rate = new();

    public void Report(TrainingProgress value)
    {
        lock (_gate)
        {
            var remaining = _rate.Remaining(value);
            task.MaxValue = Math.Max(1, value.TotalSteps);
            task.Value = value.Step;
            task.Description = $"{value.Stage} {value.Step}/{value.TotalSteps}";
            stats.Text = TrainingProgressFormat.Stats(value, remaining);
        }
    }
}

/// <summary>Shows the latest stats line; Spectre redraws it several times a second from whatever was set last.</summary>
sealed class TrainingStatsColumn : ProgressColumn
{
    volatile string _text = "starting…";

    public string Text { get => _text; set => _text = value; }

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(_text, new Style(Color.Grey));
}
