using Preference.Training.Common;

namespace Preference.Training.Tests.Common;

public sealed class JsonlMetricsSinkTests : IDisposable
{
    readonly string _path = Path.Combine(Path.GetTempPath(), "pref-metrics-" + Guid.NewGuid().ToString("N") + ".jsonl");

    [Fact]
    public async Task Resuming_drops_rows_written_after_the_checkpoint_step()
    {
        var sink = new JsonlMetricsSink(_path);
        for (int step = 1; step <= 5; step++)
            await sink.WriteAsync(new MetricsRecord("sft", step, new Dictionary<string, double> { ["loss"] = step }), default);
        File.AppendAllText(_path, "{\"stage\":\"sft\",\"st"); // torn by a kill

        var resumed = new JsonlMetricsSink(_path, resumeFromStep: 3);
        await resumed.WriteAsync(new MetricsRecord("sft", 4, new Dictionary<string, double> { ["loss"] = 40 }), default);

        var rows = JsonlMetricsSink.Read(_path);
        Assert.Equal([1L, 2, 3, 4], rows.Select(r => r.GetProperty("step").GetInt64()));
        Assert.Equal(40, rows[^1].GetProperty("loss").GetDouble());
    }

    public void Dispose() => File.Delete(_path);
}
