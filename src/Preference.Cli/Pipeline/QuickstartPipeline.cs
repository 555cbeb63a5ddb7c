using Preference.Cli.Pipeline.Stages;

namespace Preference.Cli.Pipeline;

/// <summary>
/// Runs the stages in order against the run directory's ledger: skips finished stages whose inputs are unchanged,
/// resumes an interrupted one, refuses a stage whose inputs changed.
/// </summary>
public sealed class QuickstartPipeline(PipelineContext context)
{
    /// <summary>The stages of a PPO run (the default algorithm).</summary>
    public static IReadOnlyList<IPipelineStage> Stages { get; } = StagesFor(QuickstartAlgorithm.Ppo);

    /// <summary>
    /// The stages for an algorithm: the data half (generate, campaign, rank, export) is shared; then ppo trains a
    /// reward model and runs PPO against it, grpo trains the same reward model and runs GRPO against it, dpo trains
    /// on the exported pairs directly; eval and report read whichever policy was trained.
    /// </summary>
    public static IReadOnlyList<IPipelineStage> StagesFor(QuickstartAlgorithm algorithm) =>
    [
        new GenerateStage(), new CampaignStage(), new RankStage(), new ExportStage(),
        .. algorithm switch
        {
            QuickstartAlgorithm.Dpo => (IPipelineStage[])[new DpoStage()],
            QuickstartAlgorithm.Grpo => [new RewardStage(), new GrpoStage()],
            _ => [new RewardStage(), new PpoStage()],
        },
        new EvalStage(), new ReportStage(),
    ];

    /// <summary>The algorithm a run used, from its ledger's stage names (runs made before dpo existed are ppo).</summary>
    public static QuickstartAlgorithm AlgorithmOf(IEnumerable<string> stageNames)
    {
        var names = stageNames.ToHashSet();
        return names.Contains(DpoStage.StageName) ? QuickstartAlgorithm.Dpo
            : names.Contains(GrpoStage.StageName) ? QuickstartAlgorithm.Grpo
            : QuickstartAlgorithm.Ppo;
    }

    /// <returns>True when every stage finished; false when one stopped early on purpose (resume by running again).</returns>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        var ledger = new StageLedger(context.RunDirectory);
        string previous = "";
        foreach (var stage in StagesFor(context.Settings.Algorithm))
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
