using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Preference.Server;
using Preference.Store;

namespace Preference.Bench;

/// <summary>
/// Annotation server under load on loopback: N concurrent annotators fetch a task and submit a ranking in a loop
/// for a fixed time against the real server (Kestrel + LiteDB, durable acknowledgements). Afterwards the store is
/// checked: every acknowledged submission stored exactly once, none lost or duplicated, no task over its overlap.
/// With a gold rate above 0, 200 gold tasks are imported too and mixed into every annotator's queue at that rate
/// (the fetch path a campaign with gold tasks takes); gold tasks are exempt from the overlap check, since every
/// annotator may rank each one once.
/// With a queue order other than sequence, every task gets random reward-model scores first (uploaded as `pref
/// campaign score` does), so offers follow that order: the path where neighbouring offers are not neighbours on disk.
/// Args: [annotators=32] [seconds=30] [tasks=60000] [overlap=2] [goldRate=0.1] [order=sequence|random|uncertainty]
/// </summary>
public sealed class AnnotationLoadBenchmark : IBenchmark
{
    private const string AdminToken = "pref_bench_admin";

    public string Name => "annotation-load";
    public string Description => "submissions/s and p99 latency of 32 annotators fetching+submitting for 30 s (loopback)";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int annotators = args.Length > 0 ? int.Parse(args[0]) : 32;
        int seconds = args.Length > 1 ? int.Parse(args[1]) : 30;
        int tasks = args.Length > 2 ? int.Parse(args[2]) : 60_000;
        int overlap = args.Length > 3 ? int.Parse(args[3]) : 2;
        double goldRate = args.Length > 4 ? double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 0.1;
        string order = args.Length > 5 ? args[5] : "sequence";
        var data = Directory.CreateTempSubdirectory("pref-bench").FullName;
        try
        {
            await RunAsync(data, annotators, seconds, tasks, overlap, goldRate, order, cancellationToken);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private const int GoldTasks = 200;

    private static async Task RunAsync(string data, int annotators, int seconds, int tasks, int overlap, double goldRate, string order,
        CancellationToken cancellationToken)
    {
        var app = PreferenceServer.Build(
            new ServerOptions { DataDirectory = data, Urls = "http://127.0.0.1:0", AdminToken = AdminToken, RequestsPerSecondPerClient = 1_000_000 },
            b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync(cancellationToken);
        await PreferenceServer.BootstrapAdminAsync(app);
        var baseAddress = new Uri(app.Urls.First());
        using var admin = LoadClients.Client(baseAddress, AdminToken);

        var created = await admin.PostAsJsonAsync("/api/campaigns", new { name = "load", overlap, responsesPerTask = 4 }, cancellationToken);
        created.EnsureSuccessStatusCode();
        var campaign = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("campaign").GetProperty("id").GetString()!;
        var importTimer = Stopwatch.StartNew();
        var jsonl = new StringBuilder();
        for (int i = 0; i < tasks; i++)
            jsonl.Append(JsonSerializer.Serialize(new { prompt = $"Prompt {i}: explain something.", completions = Enumerable.Range(0, 4).Select(j => $"Answer {j} to prompt {i}, a few words long.") })).Append('\n');
        (await admin.PostAsync($"/api/campaigns/{campaign}/import", new StringContent(jsonl.ToString(), Encoding.UTF8, "application/jsonl"), cancellationToken)).EnsureSuccessStatusCode();
        double importSeconds = importTimer.Elapsed.TotalSeconds;
        if (goldRate > 0)
        {
            var gold = Enumerable.Range(0, GoldTasks).Select(i => new
            {
                prompt = $"Gold prompt {i}: explain something.",
                completions = Enumerable.Range(0, 4).Select(j => $"Gold answer {j} to prompt {i}.").ToArray(),
                ranking = Enumerable.Range(0, 4).Select(j => new[] { j }).ToArray(),
            });
            (await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/gold", gold, cancellationToken)).EnsureSuccessStatusCode();
        }
        if (order != "sequence") await UploadRandomScoresAsync(admin, campaign, cancellationToken);
        (await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/quality-settings", new { goldRate, queueOrder = order }, cancellationToken)).EnsureSuccessStatusCode();

        var tokens = new List<string>();
        for (int i = 0; i < annotators; i++)
        {
            var response = await admin.PostAsJsonAsync("/api/annotators", new { name = $"annotator {i}" }, cancellationToken);
            tokens.Add((await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString()!);
        }

        // The annotators run in a second process, so the server's CPU is measured alone and the two compete for the
        // cores the way a real deployment's clients (browsers elsewhere) would not.
        var serverCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clients = await LoadClients.RunInChildProcessAsync(baseAddress, campaign, seconds, tokens, cancellationToken);
        double serverCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - serverCpuBefore).TotalMilliseconds;
        double elapsed = clients.ElapsedSeconds;
        var acknowledged = clients.Acknowledged;
        int errors = clients.Errors;
        double cpuMsPerCycle = serverCpuMs / Math.Max(1, clients.SubmitLatencies.Length);
        double clientCpuMsPerCycle = clients.CpuMs / Math.Max(1, clients.SubmitLatencies.Length);

        var store = app.Services.GetRequiredService<PreferenceStore>();
        var stored = store.Collections.Annotations.FindBy("campaignId", campaign).ToList();
        var storedIds = stored.Select(a => a.Id).ToHashSet();
        int lost = acknowledged.Count(id => !storedIds.Contains(id));
        int duplicated = acknowledged.Count - acknowledged.Distinct().Count() + stored.Count - storedIds.Count;
        var goldIds = store.Campaigns.Get(campaign).GoldRankings();
        int overOverlap = stored.Where(a => !goldIds.ContainsKey(a.TaskId)).GroupBy(a => a.TaskId).Count(g => g.Count() > overlap);
        int goldAnnotations = stored.Count(a => goldIds.ContainsKey(a.TaskId));
        int unacknowledgedStored = stored.Count - acknowledged.Distinct().Count();
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();

        var submits = clients.SubmitLatencies.Order().ToArray();
        var nexts = clients.NextLatencies.Order().ToArray();
        Console.WriteLine($"# annotation-load on {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}, server and clients in two processes on loopback, 1-min load average at the end {LoadAverage()}");
        Console.WriteLine("| what | size | threads | number | unit |");
        Console.WriteLine("|---|---|---|---|---|");
        string size = $"{tasks} tasks, k=4, overlap {overlap}, gold rate {goldRate:0.##}, order {order}";
        Row("import (JSONL upload, chunked transactions)", $"{tasks} tasks", 1, tasks / importSeconds, "tasks/s");
        Row("submissions acknowledged", size, annotators, acknowledged.Count / elapsed, "submissions/s");
        Row("fetch+submit cycles", size, annotators, submits.Length / elapsed, "cycles/s");
        Row("server CPU per fetch+submit cycle", size, annotators, cpuMsPerCycle, "ms");
        Row("client CPU per fetch+submit cycle (load generator)", size, annotators, clientCpuMsPerCycle, "ms");
        Row("projected server cycles/s with every core serving", size, annotators, Environment.ProcessorCount * 1000 / cpuMsPerCycle, "cycles/s");
        Row("submit latency p50", size, annotators, Percentile(submits, 0.50), "ms");
        Row("submit latency p99", size, annotators, Percentile(submits, 0.99), "ms");
        Row("next-task latency p50", size, annotators, Percentile(nexts, 0.50), "ms");
        Row("next-task latency p99", size, annotators, Percentile(nexts, 0.99), "ms");
        Row("acknowledged submissions", size, annotators, acknowledged.Count, "count");
        Row("stored annotations", size, annotators, stored.Count, "count");
        Row("lost (acknowledged, not stored)", size, annotators, lost, "count");
        Row("duplicated", size, annotators, duplicated, "count");
        Row("stored without acknowledgement", size, annotators, unacknowledgedStored, "count");
        Row("tasks over their overlap", size, annotators, overOverlap, "count");
        Row("gold-task annotations (of the stored)", size, annotators, goldAnnotations, "count");
        Row("errors (non-2xx)", size, annotators, errors, "count");

        void Row(string what, string sizeText, int threads, double number, string unit) =>
            Console.WriteLine($"| {what} | {sizeText} | {threads} | {number:0.##} | {unit} |");
    }

    /// <summary>Scores every ordinary task's completions at random, a page of contents at a time (under the 1 MiB body limit).</summary>
    private static async Task UploadRandomScoresAsync(HttpClient admin, string campaign, CancellationToken cancellationToken)
    {
        var api = new Core.Api.PreferenceApiClient(admin);
        var random = new Random(1);
        for (int offset = 0; ; offset += 1000)
        {
            var page = await api.TaskContentsAsync(campaign, offset, 1000, cancellationToken);
            if (page.Count == 0) break;
            var scores = page.Select(t => new Core.Api.TaskScoresItem(t.TaskId, t.Completions.ToDictionary(c => c.Id, _ => random.NextDouble()))).ToList();
            await api.UploadTaskScoresAsync(campaign, new Core.Api.TaskScoresUpload(scores), cancellationToken);
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
