using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Preference.Cli.RewardServing;
using Preference.Training.Common;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Bench;

/// <summary>
/// The reward server under OpenRLHF's load pattern: CLIENTS concurrent clients on loopback, each posting one rollout
/// per /get_reward request (as openrlhf/utils/agent.py does) and the next as soon as the answer arrives, for SECONDS.
/// The reward is a reward model on the bundled stories260K trunk: a `pref rm train` directory when MODEL_DIR is given,
/// else one trained here for a few steps on synthetic story pairs (throughput does not depend on what it learned).
/// The model alone is measured on the torch forward and on the fused CPU path the server uses.
/// Args: [clients=32] [seconds=20] [threads=2] [queries_per_request=1] [MODEL_DIR]. Prints rewards/s, rewards per
/// CPU-second, latency percentiles, mean batch size and the machine's load average before and after.
/// </summary>
public sealed class RewardServerBenchmark : IBenchmark
{
    public string Name => "reward-server";
    public string Description => "pref serve-reward: rewards/s and p99 latency at N concurrent clients on loopback (bundled reward model)";

    static readonly string[] Words = ["the", "dog", "ran", "to", "a", "big", "tree", "and", "was", "happy", "sun", "ball", "Lily", "park", "played", "mom"];

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int clients = args.Length > 0 ? int.Parse(args[0]) : 32;
        int seconds = args.Length > 1 ? int.Parse(args[1]) : 20;
        torch.set_num_threads(args.Length > 2 ? int.Parse(args[2]) : 2);
        int perRequest = args.Length > 3 ? int.Parse(args[3]) : 1;
        string? modelDirectory = args.Length > 4 ? args[4] : null;
        Console.WriteLine($"load average before: {LoadAverage()}");

        using var model = modelDirectory is null ? TrainSmallRewardModel(cancellationToken) : RewardModelDirectory.Load(modelDirectory, torch.CPU);
        model.UseFusedCpuPath = false;
        var torchPath = DirectRewardsPerSecond(model, cancellationToken);
        model.UseFusedCpuPath = true;
        var direct = DirectRewardsPerSecond(model, cancellationToken);
        var reward = new WeightedReward("reward", [new WeightedSource(new RewardModelSource("reward_model", model, 64), 1)]);
        var config = new RewardServerConfig { Rewards = [new RewardSpec { Kind = "reward_model", Path = modelDirectory ?? "(trained in the benchmark)" }] };
        await using var app = RewardServer.Build(config, reward, "http://127.0.0.1:0", token: null);
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Urls.First());

        // Warm-up: the first forwards pay for allocation and kernel selection.
        await RunClientsAsync(address, clients, TimeSpan.FromSeconds(3), perRequest, cancellationToken);
        var health0 = await HealthAsync(address);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var (latencies, rewards, elapsed, errors) = await RunClientsAsync(address, clients, TimeSpan.FromSeconds(seconds), perRequest, cancellationToken);
        var health1 = await HealthAsync(address);
        // On a shared machine wall-clock rates measure the neighbours too; CPU seconds spent (server and clients
        // together, so an upper bound on the server's own cost) say what the work needs.
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        await app.StopAsync(cancellationToken);

        latencies.Sort();
        double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        long batches = health1.Batches - health0.Batches, scored = health1.Scored - health0.Scored;
        string size = $"{clients} clients x {perRequest}/request";
        int threads = torch.get_num_threads();
        Console.WriteLine($"{"what",-40} {"size",-24} {"threads",7} {"number",10} unit");
        string batchSize = $"64 x {direct.TokensPerCompletion:F0} tokens";
        Console.WriteLine($"{"reward model alone, torch forward",-40} {batchSize,-24} {threads,7} {torchPath.PerSecond,10:F0} rewards/s");
        Console.WriteLine($"{"  per CPU-second",-40} {batchSize,-24} {threads,7} {torchPath.PerCpuSecond,10:F0} rewards/CPU-s");
        Console.WriteLine($"{"reward model alone, fused CPU (served)",-40} {batchSize,-24} {threads,7} {direct.PerSecond,10:F0} rewards/s");
        Console.WriteLine($"{"  per CPU-second",-40} {batchSize,-24} {threads,7} {direct.PerCpuSecond,10:F0} rewards/CPU-s");
        Console.WriteLine($"{"reward-server /get_reward, bundled RM",-40} {size,-24} {threads,7} {rewards / elapsed,10:F0} rewards/s");
        Console.WriteLine($"{"  per CPU-second (server + clients)",-40} {size,-24} {threads,7} {rewards / cpuSeconds,10:F0} rewards/CPU-s");
        Console.WriteLine($"{"  latency p50",-40} {size,-24} {threads,7} {Percentile(0.50),10:F1} ms");
        Console.WriteLine($"{"  latency p99",-40} {size,-24} {threads,7} {Percentile(0.99),10:F1} ms");
        Console.WriteLine($"{"  completions per model call",-40} {size,-24} {threads,7} {(double)scored / Math.Max(1, batches),10:F1} mean");
        Console.WriteLine($"{"  errors",-40} {size,-24} {threads,7} {errors,10} requests");
        Console.WriteLine($"load average after: {LoadAverage()}");
    }

    /// <summary>The ceiling the server can reach: the same completions scored in-process, 64 per call.</summary>
    static (double PerSecond, double PerCpuSecond, double TokensPerCompletion) DirectRewardsPerSecond(RewardModel model, CancellationToken cancellationToken)
    {
        var random = new Random(5);
        var inputs = Enumerable.Range(0, 64).Select(_ => ("Once upon a time, Lily went out.",
            " " + string.Join(" ", Enumerable.Range(0, random.Next(20, 50)).Select(_ => Words[random.Next(Words.Length)])) + ".", (string?)null)).ToList();
        model.Score(inputs, 64, cancellationToken);
        double tokens = inputs.Average(i => model.Window.Encode(i.Item1, i.Item2, null).Ids.Length);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        int calls = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(3)) { model.Score(inputs, 64, cancellationToken); calls++; }
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return (calls * inputs.Count / clock.Elapsed.TotalSeconds, calls * inputs.Count / cpuSeconds, tokens);
    }

    static RewardModel TrainSmallRewardModel(CancellationToken cancellationToken)
    {
        var random = new Random(1);
        string Story(bool dog) => string.Join(" ", Enumerable.Range(0, 30).Select(_ => Words[random.Next(Words.Length)]).Append(dog ? "dog" : "cat"));
        var pairs = Enumerable.Range(0, 64).Select(i => new RewardPair($"s{i}", "Once upon a time,", Story(true), Story(false))).ToList();
        var work = Directory.CreateTempSubdirectory("reward-server-bench-").FullName;
        var config = new RewardConfig
        {
            TrainFile = "synthetic", BaseModel = RewardModelFactory.Bundled, MaxLength = 128, PerDeviceTrainBatchSize = 16, NumTrainEpochs = 1,
            EvalSteps = 1_000_000, EarlyStoppingPatience = 0,
        };
        var model = RewardModelFactory.Create(config, pairs, work, torch.CPU, cancellationToken);
        new RewardTrainer(config, model, pairs, pairs.Take(8).ToList(), new RunDirectory(Path.Combine(work, "run")))
            .TrainAsync(resume: false, progress: null, cancellationToken).GetAwaiter().GetResult();
        Directory.Delete(work, recursive: true);
        return model;
    }

    static async Task<(List<double> Latencies, long Rewards, double Seconds, int Errors)> RunClientsAsync(
        Uri address, int clients, TimeSpan duration, int perRequest, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = address };
        var all = new List<double>();
        long rewards = 0;
        int errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var random = new Random(client);
            var latencies = new List<double>();
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var prompts = Enumerable.Range(0, perRequest).Select(_ => $"Once upon a time, {Words[random.Next(Words.Length)]} went out.").ToArray();
                var queries = prompts.Select(p => p + " " + string.Join(" ", Enumerable.Range(0, random.Next(20, 50)).Select(_ => Words[random.Next(Words.Length)])) + ".").ToArray();
                long start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/get_reward", new { query = queries, prompts }, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!response.IsSuccessStatusCode || JsonDocument.Parse(body).RootElement.GetProperty("rewards").GetArrayLength() != perRequest)
                {
                    Interlocked.Increment(ref errors);
                    continue;
                }
                Interlocked.Add(ref rewards, perRequest);
            }
            lock (all) all.AddRange(latencies);
        }));
        return (all, rewards, clock.Elapsed.TotalSeconds, errors);
    }

    static async Task<RewardHealth> HealthAsync(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address };
        return (await http.GetFromJsonAsync<RewardHealth>("/health"))!;
    }

    static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + $" (1/5/15 min, {Environment.ProcessorCount} cores)" : "unknown";
}
