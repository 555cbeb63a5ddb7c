using Preference.Cli.Pipeline.Stages;

namespace Preference.Cli.Pipeline;

/// <summary>
/// Runs the stages in order against the run directory's ledger: skips finished stages whose inputs are unchanged,
/// resumes an interrupted one, refuses a stage whose inputs changed.
/// </summary>
public sealed class QuickstartPipeline(PipelineContext context)
{
    public static IReadOnlyList<IPipelineStage> Stages { get; } =
    [
        new GenerateStage(), new CampaignStage(), new RankStage(), new ExportStage(),
        new RewardStage(), new PpoStage(), new EvalStage(), new ReportStage(),
    ];

    /// <returns>True when every stage finished; false when one stopped early on purpose (resume by running again).</returns>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        var ledger = new StageLedger(context.RunDirectory);
        string previous = "";
        foreach (var stage in Stages)
        {
            var fingerprint = StageLedger.Fingerprint(previous, stage.Inputs(context));
            previous = fingerprint;
            // The report is derived from the other stages' files and cheap: always rewrite it.
            var plan = stage is ReportStage ? StagePlan.Run : ledger.Plan(stage.Name, fingerprint);
            if (plan == StagePlan.Skip)
            {
                context.Log.WriteLine($"{stage.Name}: done earlier with the same inputs, skipped");
                continue;
            }
            if (plan == StagePlan.Resume) context.Log.WriteLine($"{stage.Name}: resuming an interrupted run");
            else ledger.MarkStarted(stage.Name, fingerprint);
            if (!await stage.RunAsync(context, plan == StagePlan.Resume, cancellationToken)) return false;
            ledger.MarkDone(stage.Name, fingerprint);
        }
        return true;
    }
}
