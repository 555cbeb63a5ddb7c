using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Preference.Bench;

/// <summary>What the annotator loops of <see cref="LoadClients"/> report back to the benchmark.</summary>
public sealed record LoadClientResult(
    double ElapsedSeconds, double CpuMs, int Errors, List<string> Acknowledged, double[] SubmitLatencies, double[] NextLatencies);

/// <summary>
/// The load generator of annotation-load: one loop per annotator token that fetches a task and submits a ranking
/// until time runs out. Runs as its own process (benchmark name <c>annotation-load-clients</c>) so the server's CPU
/// can be measured apart from the clients'.
/// Args: BASE_URL CAMPAIGN SECONDS TOKENS_FILE RESULT_FILE
/// </summary>
public sealed class LoadClients : IBenchmark
{
    public string Name => "annotation-load-clients";
    public string Description => "(used by annotation-load) the annotator loops, run in a separate process";

    public static async Task<LoadClientResult> RunInChildProcessAsync(
        Uri baseAddress, string campaign, int seconds, IReadOnlyList<string> tokens, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("pref-load-clients").FullName;
        try
        {
            var tokensFile = Path.Combine(work, "tokens.txt");
            var resultFile = Path.Combine(work, "result.json");
            await File.WriteAllLinesAsync(tokensFile, tokens, cancellationToken);
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardError = true };
            // Under `dotnet Preference.Bench.dll` the host needs the assembly; the apphost is the program itself.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
                start.ArgumentList.Add(typeof(LoadClients).Assembly.Location);
            foreach (var arg in new[] { "annotation-load-clients", baseAddress.ToString(), campaign, seconds.ToString(), tokensFile, resultFile })
                start.ArgumentList.Add(arg);
            using var child = Process.Start(start)!;
            var stderr = child.StandardError.ReadToEndAsync(cancellationToken);
            await child.WaitForExitAsync(cancellationToken);
            if (child.ExitCode != 0) throw new InvalidOperationException($"load clients failed ({child.ExitCode}): {await stderr}");
            return JsonSerializer.Deserialize<LoadClientResult>(await File.ReadAllTextAsync(resultFile, cancellationToken))!;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var baseAddress = new Uri(args[0]);
        string campaign = args[1];
        int seconds = int.Parse(args[2]);
        var tokens = await File.ReadAllLinesAsync(args[3], cancellationToken);
        var result = await RunLoopsAsync(baseAddress, campaign, seconds, tokens, cancellationToken);
        await File.WriteAllTextAsync(args[4], JsonSerializer.Serialize(result), cancellationToken);
    }

    static async Task<LoadClientResult> RunLoopsAsync(Uri baseAddress, string campaign, int seconds, string[] tokens, CancellationToken cancellationToken)
    {
        var submitLatencies = new ConcurrentBag<double>();
        var nextLatencies = new ConcurrentBag<double>();
        var acknowledged = new ConcurrentBag<string>();
        int errors = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        var workers = tokens.Select(token => Task.Run(async () =>
        {
            using var client = Client(baseAddress, token);
            var rng = new Random(token.GetHashCode());
            while (!stop.IsCancellationRequested)
            {
                long t0 = Stopwatch.GetTimestamp();
                using var next = await client.PostAsync($"/api/campaigns/{campaign}/next", null, CancellationToken.None);
                nextLatencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (next.StatusCode == HttpStatusCode.NoContent) return;
                if (!next.IsSuccessStatusCode) { Interlocked.Increment(ref errors); continue; }
                var task = (await next.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("task");
                var ids = task.GetProperty("completions").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).OrderBy(_ => rng.Next()).ToArray();
                string[][] ranking = [[ids[0]], [ids[1], ids[2]], [ids[3]]];
                long t1 = Stopwatch.GetTimestamp();
                using var submit = await client.PostAsJsonAsync($"/api/campaigns/{campaign}/annotations",
                    new { taskId = task.GetProperty("taskId").GetString(), ranking, timeSpentMs = 1000 }, CancellationToken.None);
                submitLatencies.Add(Stopwatch.GetElapsedTime(t1).TotalMilliseconds);
                if (submit.StatusCode == HttpStatusCode.Created)
                    acknowledged.Add((await submit.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("id").GetString()!);
                else Interlocked.Increment(ref errors);
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers);
        return new LoadClientResult(clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds,
            errors, [.. acknowledged], [.. submitLatencies], [.. nextLatencies]);
    }

    public static HttpClient Client(Uri baseAddress, string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
