using Preference.Cli.Progress;
using Preference.Training.Common;

namespace Preference.Cli.Pipeline;

/// <summary>
/// How every training stage of the quickstart (ppo, grpo, dpo) starts: it continues its run from the last checkpoint
/// when asked to resume and one is there; otherwise an interrupted attempt left nothing worth keeping, so its
/// directory is emptied and the run starts over (the training loop refuses a directory holding another run). Its
/// metrics go live to the quickstart's dashboard.
/// </summary>
public sealed class TrainingStageRun : IAsyncDisposable
{
    TrainingStageRun(RunDirectory run, bool resume, LiveMetrics live) => (Run, Resume, Live) = (run, resume, live);

    public RunDirectory Run { get; }

    /// <summary>Whether the run continues from its checkpoint (pass it to the trainer as resume).</summary>
    public bool Resume { get; }

    public LiveMetrics Live { get; }

    public static async Task<TrainingStageRun> StartAsync(PipelineContext c, string stage, string directory, bool resume,
        CancellationToken cancellationToken)
    {
        var run = new RunDirectory(directory);
        bool fromCheckpoint = resume && run.Checkpoints().Latest() is not null;
        if (!fromCheckpoint)
        {
            Directory.Delete(run.Path, recursive: true);
            run = new RunDirectory(directory);
        }
        var live = await LiveMetrics.StartAsync(c.Server.Address, c.Server.AdminToken,
            fromCheckpoint ? $"quickstart {stage} (resumed)" : $"quickstart {stage}", stage, c.Log, cancellationToken);
        c.Log.WriteLine($"{stage}: live metrics on the dashboard at {c.Server.Address} (run {live.RunId})");
        return new TrainingStageRun(run, fromCheckpoint, live);
    }

    public ValueTask DisposeAsync() => Live.DisposeAsync();
}
