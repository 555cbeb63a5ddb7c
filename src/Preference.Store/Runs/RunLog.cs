using Preference.Core.Domain;
using Preference.Store.Errors;
using Preference.Store.Identity;
using Preference.Store.Validation;

namespace Preference.Store.Runs;

/// <summary>Training runs and their scalar metrics, as published by trainer processes through the API.</summary>
public sealed class RunLog(PreferenceCollections collections, StoreWriter writer, TimeProvider time)
{
    public IReadOnlyList<TrainingRun> All() => collections.Runs.All().OrderBy(r => r.StartedAt).ToList();

    public TrainingRun Get(string id) => collections.Runs.Get(id) ?? throw new StoreNotFoundException($"run '{id}' does not exist");

    /// <summary>Registers a run started by <paramref name="startedBy"/> (an annotator id), who alone may publish to it unless an admin.</summary>
    public async Task<TrainingRun> StartAsync(string name, string? stage, IReadOnlyDictionary<string, string>? config, string? startedBy = null)
    {
        InputLimits.Required(name, "name");
        InputLimits.Optional(stage, "stage");
        InputLimits.Map(config, "config");
        var run = new TrainingRun
        {
            Id = Slug.Unique(name, id => collections.Runs.Get(id) is not null),
            Name = name,
            Stage = stage ?? "",
            Config = config,
            StartedAt = time.GetUtcNow(),
            StartedBy = startedBy,
        };
        await writer.WriteAsync(() => collections.Runs.Upsert(run));
        return run;
    }

    /// <summary>
    /// Stores metric points. With <paramref name="publisher"/> set (a trainer token) every point must belong to a run
    /// that publisher started: a trainer cannot overwrite another run's history.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<MetricPoint> points, string? publisher = null)
    {
        foreach (var runId in points.Select(p => p.RunId).Distinct())
            if (publisher is not null && Get(runId).StartedBy != publisher)
                throw new StoreForbiddenException($"run '{runId}' was not started by '{publisher}'; a trainer publishes only to its own runs");
            else Get(runId);
        if (points.Count > InputLimits.MaxMetricsPerStep)
            throw new StoreValidationException("values", $"at most {InputLimits.MaxMetricsPerStep} metrics per step, got {points.Count}");
        foreach (var p in points)
        {
            if (string.IsNullOrWhiteSpace(p.Name)) throw new StoreValidationException("name", "metric name is required");
            InputLimits.Optional(p.Name, "values");
            if (!double.IsFinite(p.Value)) throw new StoreValidationException("value", $"metric '{p.Name}' at step {p.Step} is not a finite number");
        }
        await writer.WriteAsync(() => { foreach (var p in points) collections.Metrics.Upsert(p); });
    }

    public IReadOnlyList<MetricPoint> Metrics(string runId) =>
        collections.Metrics.FindBy("runId", runId).OrderBy(p => p.Step).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
}
