using Preference.Core.Domain;
using Preference.Store.Errors;
using Preference.Store.Identity;

namespace Preference.Store.Runs;

/// <summary>Training runs and their scalar metrics, as published by trainer processes through the API.</summary>
public sealed class RunLog(PreferenceCollections collections, StoreWriter writer, TimeProvider time)
{
    public IReadOnlyList<TrainingRun> All() => collections.Runs.All().OrderBy(r => r.StartedAt).ToList();

    public TrainingRun Get(string id) => collections.Runs.Get(id) ?? throw new StoreNotFoundException($"run '{id}' does not exist");

    public async Task<TrainingRun> StartAsync(string name, string stage, IReadOnlyDictionary<string, string>? config)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new StoreValidationException("name", "required");
        var run = new TrainingRun
        {
            Id = Slug.Unique(name, id => collections.Runs.Get(id) is not null),
            Name = name,
            Stage = stage,
            Config = config,
            StartedAt = time.GetUtcNow(),
        };
        await writer.WriteAsync(() => collections.Runs.Upsert(run));
        return run;
    }

    public async Task AppendAsync(IReadOnlyList<MetricPoint> points)
    {
        foreach (var runId in points.Select(p => p.RunId).Distinct()) Get(runId);
        foreach (var p in points)
        {
            if (string.IsNullOrWhiteSpace(p.Name)) throw new StoreValidationException("name", "metric name is required");
            if (!double.IsFinite(p.Value)) throw new StoreValidationException("value", $"metric '{p.Name}' at step {p.Step} is not a finite number");
        }
        await writer.WriteAsync(() => { foreach (var p in points) collections.Metrics.Upsert(p); });
    }

    public IReadOnlyList<MetricPoint> Metrics(string runId) =>
        collections.Metrics.FindBy("runId", runId).OrderBy(p => p.Step).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
}
