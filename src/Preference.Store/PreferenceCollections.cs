using LiteDB;
using Preference.Core.Domain;
using Preference.Store.Documents;

namespace Preference.Store;

/// <summary>Every collection of the store, with the indexes its queries need.</summary>
public sealed class PreferenceCollections(LiteDatabase db)
{
    public DocumentCollection<Prompt> Prompts { get; } = new(db, "prompts", p => p.Id);

    public DocumentCollection<Completion> Completions { get; } = new(db, "completions", c => c.Id,
        ("promptId", c => c.PromptId, false));

    public DocumentCollection<Campaign> Campaigns { get; } = new(db, "campaigns", c => c.Id);

    public DocumentCollection<AnnotationTask> Tasks { get; } = new(db, "tasks", t => t.Id,
        ("campaignId", t => t.CampaignId, false));

    public DocumentCollection<Assignment> Assignments { get; } = new(db, "assignments", a => a.Id,
        ("campaignId", a => a.CampaignId, false));

    // Only the campaign index: every annotation query starts from a campaign, and each extra index is paid on
    // every submission.
    public DocumentCollection<Annotation> Annotations { get; } = new(db, "annotations", a => a.Id,
        ("campaignId", a => a.CampaignId, false));

    public DocumentCollection<GoldRanking> Gold { get; } = new(db, "gold", g => g.TaskId,
        ("campaignId", g => g.CampaignId, false));

    public DocumentCollection<TaskScores> TaskScores { get; } = new(db, "taskScores", s => s.TaskId,
        ("campaignId", s => s.CampaignId, false));

    public DocumentCollection<Review> Reviews { get; } = new(db, "reviews", r => r.TaskId,
        ("campaignId", r => r.CampaignId, false));

    public DocumentCollection<Annotator> Annotators { get; } = new(db, "annotators", a => a.Id,
        ("tokenHash", a => a.TokenHash, true));

    public DocumentCollection<TrainingRun> Runs { get; } = new(db, "runs", r => r.Id);

    public DocumentCollection<MetricPoint> Metrics { get; } = new(db, "metrics", m => $"{m.RunId}/{m.Name}/{m.Step}",
        ("runId", m => m.RunId, false));
}
