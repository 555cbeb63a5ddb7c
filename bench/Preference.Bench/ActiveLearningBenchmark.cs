using System.Diagnostics;
using System.Globalization;
using Preference.Core.Datasets;
using Preference.Core.Domain;
using Preference.Core.Prioritization;
using Preference.Training.Reward.Baselines;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Modeling;

namespace Preference.Bench;

/// <summary>
/// Labelling where it matters, simulated on real preferences: the shared data's human labels play the annotators.
/// A campaign starts from a small random seed set, then labels tasks in rounds chosen (a) at random or (b) by the
/// reward model's uncertainty (<see cref="LabelPriority"/>, the ordering code the server's queue uses), retraining
/// after each round and measuring held-out pairwise accuracy. HH-RLHF harmless: a task is one pair (train.jsonl is
/// the pool, dev.jsonl held out). qa-feedback: a task is a question with its answers, and labelling it reveals every
/// pairwise preference the annotators gave (80/20 split by question). The reward models are the project's cheap
/// learned ones, retrained from scratch each round (the transformer trainer takes minutes per fit on two cores): on
/// HH-RLHF the bag-of-words Bradley–Terry logistic (Reward/Baselines/BagOfWordsLogistic.cs), which matches the trained
/// transformer there (README); on qa-feedback the reference-guided feature logistic (GroundingLogistic with
/// GroundingReference, 0.70 on all the data), since words alone are at chance on its answers (`qa_model=bow` to see).
/// Arguments (key=value): data=DIR (the shared folder; default ../shared beside the repository), datasets=hh,qa,
/// seeds=5 (or hh_seeds, qa_seeds), hh_seed=50, hh_batch=50, hh_budget=800, qa_seed=20, qa_batch=20, qa_budget=140,
/// hh_model / qa_model = bow | features.
/// </summary>
public sealed class ActiveLearningBenchmark : IBenchmark
{
    public string Name => "active-learning";
    public string Description => "reward-model held-out accuracy vs labels: uncertainty queue order vs random (HH-RLHF, qa-feedback)";

    /// <summary>A task in the pool: its candidates (scored by the model) and the oracle's pairs, revealed once labelled.</summary>
    sealed record PoolTask(string Id, string Prompt, string? Reference, IReadOnlyList<string> Candidates, IReadOnlyList<RewardPair> Pairs);

    sealed record Curve(string Strategy, int Seed, IReadOnlyList<(int Labels, double Accuracy)> Points);

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = args.Select(a => a.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");
        int Int(string key, int fallback) => options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var shared = options.GetValueOrDefault("data") ?? SharedFolder.Locate();
        var data = Path.Combine(shared, "data");
        if (!Directory.Exists(data)) throw new DirectoryNotFoundException($"data={shared}: no data/ folder there (the shared HH-RLHF and qa-feedback files)");

        Console.WriteLine($"active-learning: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {Load()}, " +
                          $"seeds 1..N per dataset; the reward model retrained from scratch each round");
        foreach (var dataset in (options.GetValueOrDefault("datasets") ?? "hh,qa").Split(','))
        {
            var clock = Stopwatch.StartNew();
            var (pool, heldOut, name) = dataset switch
            {
                "hh" => await HhAsync(data, cancellationToken),
                "qa" => await QaAsync(data, cancellationToken),
                _ => throw new ArgumentException($"datasets: '{dataset}' is not hh or qa"),
            };
            int seeds = Int($"{dataset}_seeds", Int("seeds", 5));
            if (seeds < 2) throw new ArgumentException("seeds: at least 2, for an interval");
            int start = Int($"{dataset}_seed", dataset == "hh" ? 50 : 20);
            int batch = Int($"{dataset}_batch", dataset == "hh" ? 50 : 20);
            int budget = Math.Min(Int($"{dataset}_budget", dataset == "hh" ? 800 : 140), pool.Count);
            var modelName = options.GetValueOrDefault($"{dataset}_model") ?? (dataset == "hh" ? "bow" : "features");
            Func<int, IPairBaseline> newModel = modelName switch
            {
                "bow" => seed => new BagOfWordsLogistic(seed: seed),
                "features" => _ => new GroundingLogistic(0.01, RewardFeatures.GroundingReference),
                _ => throw new ArgumentException($"{dataset}_model: '{modelName}' is not bow or features"),
            };
            var curves = new List<Curve>();
            for (int seed = 1; seed <= seeds; seed++)
                foreach (var strategy in new[] { QueueOrder.Random, QueueOrder.Uncertainty })
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    curves.Add(Simulate(pool, heldOut, newModel, strategy, seed, start, batch, budget));
                }
            Print($"{name}, reward model {newModel(0).Name}", pool, heldOut, curves, start, batch, clock.Elapsed);
        }
        Console.WriteLine($"load at the end {Load()}");
    }

    static async Task<(List<PoolTask>, IReadOnlyList<RewardPair>, string)> HhAsync(string data, CancellationToken cancellationToken)
    {
        var train = await RewardDataReader.ReadFileAsync(Path.Combine(data, "hh-rlhf-harmless", "train.jsonl"), TieHandling.Drop, cancellationToken: cancellationToken);
        var dev = await RewardDataReader.ReadFileAsync(Path.Combine(data, "hh-rlhf-harmless", "dev.jsonl"), TieHandling.Drop, cancellationToken: cancellationToken);
        var pool = train.Select((p, i) => new PoolTask($"hh{i}", p.Prompt, p.Reference, [p.Chosen, p.Rejected], [p])).ToList();
        return (pool, dev, "HH-RLHF harmless (task = one pair; pool train.jsonl, held out dev.jsonl)");
    }

    static async Task<(List<PoolTask>, IReadOnlyList<RewardPair>, string)> QaAsync(string data, CancellationToken cancellationToken)
    {
        var all = await RewardDataReader.ReadFileAsync(Path.Combine(data, "qa-feedback", "dev_feedback.json"), TieHandling.Drop, DatasetFormat.QaFeedback, cancellationToken);
        // The held-out questions `pref rm train --config configs/rm-qa-feedback.yaml` and rm-accuracy hold out.
        var (train, held) = PromptSplit.Split(all, 0.2, seed: 1001);
        var pool = train.GroupBy(p => p.GroupId).Select(g => new PoolTask(g.Key, g.First().Prompt, g.First().Reference,
            g.SelectMany(p => new[] { p.Chosen, p.Rejected }).Distinct().ToList(), g.ToList())).ToList();
        return (pool, held, "qa-feedback (task = a question's answers, labelled = all its annotated pairs; 80/20 by question)");
    }

    /// <summary>One campaign: the seed set, then rounds of <paramref name="batch"/> tasks in the strategy's order, retraining each time.</summary>
    static Curve Simulate(List<PoolTask> pool, IReadOnlyList<RewardPair> heldOut, Func<int, IPairBaseline> newModel, QueueOrder strategy, int seed,
        int start, int batch, int budget)
    {
        // Both strategies start from the same random seed set; random goes on in that same order.
        string salt = $"seed {seed}";
        var randomOrder = pool.OrderBy(t => LabelPriority.RandomKey(salt, t.Id)).ToList();
        var labelled = randomOrder.Take(start).ToList();
        var unlabelled = randomOrder.Skip(start).ToList();
        var points = new List<(int, double)>();
        while (true)
        {
            var model = newModel(seed);
            model.Fit(labelled.SelectMany(t => t.Pairs).ToList());
            var accuracy = PairwiseAccuracy.Of(heldOut.Select(p => (model.Score(p.Prompt, p.Chosen, p.Reference), model.Score(p.Prompt, p.Rejected, p.Reference)))).Accuracy;
            points.Add((labelled.Count, accuracy));
            if (labelled.Count >= budget || unlabelled.Count == 0) break;
            int take = Math.Min(batch, budget - labelled.Count);
            List<PoolTask> chosen;
            if (strategy == QueueOrder.Random) chosen = unlabelled.Take(take).ToList();
            else
            {
                // Exactly what the server's queue does with uploaded scores: priority first, then the task's place.
                var priority = unlabelled.ToDictionary(t => t, t => LabelPriority.For(strategy, salt, t.Id, Scores(model, t), judge: null));
                chosen = unlabelled.OrderBy(t => priority[t]).Take(take).ToList();
            }
            labelled.AddRange(chosen);
            var taken = chosen.ToHashSet();
            unlabelled = unlabelled.Where(t => !taken.Contains(t)).ToList();
        }
        return new Curve(strategy.ToString().ToLowerInvariant(), seed, points);
    }

    static Dictionary<string, double> Scores(IPairBaseline model, PoolTask task) =>
        task.Candidates.Select((text, i) => (i, model.Score(task.Prompt, text, task.Reference))).ToDictionary(s => s.i.ToString(CultureInfo.InvariantCulture), s => s.Item2);

    static void Print(string name, List<PoolTask> pool, IReadOnlyList<RewardPair> heldOut, List<Curve> curves, int start, int batch, TimeSpan elapsed)
    {
        var random = curves.Where(c => c.Strategy == "random").OrderBy(c => c.Seed).ToList();
        var uncertain = curves.Where(c => c.Strategy == "uncertainty").OrderBy(c => c.Seed).ToList();
        var budgets = random[0].Points.Select(p => p.Labels).ToList();
        Console.WriteLine();
        Console.WriteLine($"{name}: pool {pool.Count} tasks ({pool.Sum(t => t.Pairs.Count)} pairs), held out {heldOut.Count} pairs, " +
                          $"seed set {start}, rounds of {batch}, {random.Count} seeds, {elapsed.TotalSeconds:F0} s");
        Console.WriteLine("| labels (tasks) | random: held-out accuracy (95% CI over seeds) | uncertainty | uncertainty − random (paired, 95% CI) |");
        Console.WriteLine("|---|---|---|---|");
        for (int b = 0; b < budgets.Count; b++)
        {
            var r = random.Select(c => c.Points[b].Accuracy).ToList();
            var u = uncertain.Select(c => c.Points[b].Accuracy).ToList();
            var d = u.Zip(r, (x, y) => x - y).ToList();
            Console.WriteLine($"| {budgets[b]} | {Interval(r)} | {Interval(u)} | {Interval(d, signed: true)} |");
        }
        var randomMean = budgets.Select((_, b) => random.Average(c => c.Points[b].Accuracy)).ToList();
        var uncertainMean = budgets.Select((_, b) => uncertain.Average(c => c.Points[b].Accuracy)).ToList();
        double target = randomMean[^1];
        Console.WriteLine(LabelsToReach(budgets, uncertainMean, target) is { } needed
            ? $"labels saved at equal accuracy: uncertainty reaches random's final {target:F3} (at {budgets[^1]} labels) with {needed:F0} labels " +
              $"(interpolated on the mean curves): {budgets[^1] - needed:F0} labels saved ({(budgets[^1] - needed) / budgets[^1]:P0})"
            : $"labels saved at equal accuracy: none — uncertainty's mean curve never reaches random's final {target:F3} (its best is {uncertainMean.Max():F3})");
        // Random's curve is noisy, so its final point may sit below where it first reached that accuracy: the saving
        // against that first crossing is the conservative one.
        if (LabelsToReach(budgets, uncertainMean, target) is { } reached && LabelsToReach(budgets, randomMean, target) is { } first && first < budgets[^1])
            Console.WriteLine(first >= reached
                ? $"conservatively, against random's own first arrival at {target:F3} ({first:F0} labels): {first - reached:F0} labels saved ({(first - reached) / first:P0})"
                : $"conservatively, against random's own first arrival at {target:F3} ({first:F0} labels): uncertainty needs {reached - first:F0} labels more");
        double? reverse = LabelsToReach(budgets, randomMean, uncertainMean[^1]);
        Console.WriteLine(reverse is { } r2
            ? $"(random reaches uncertainty's final {uncertainMean[^1]:F3} at {r2:F0} labels)"
            : $"(random never reaches uncertainty's final {uncertainMean[^1]:F3} within {budgets[^1]} labels)");
    }

    /// <summary>The first label count at which the curve reaches <paramref name="target"/>, linear between measured budgets.</summary>
    static double? LabelsToReach(List<int> budgets, List<double> curve, double target)
    {
        if (curve[0] >= target) return budgets[0];
        for (int b = 1; b < budgets.Count; b++)
            if (curve[b] >= target)
                return budgets[b - 1] + (budgets[b] - budgets[b - 1]) * (target - curve[b - 1]) / (curve[b] - curve[b - 1]);
        return null;
    }

    /// <summary>Mean with a 95% Student-t interval over the seeds.</summary>
    static string Interval(IReadOnlyList<double> values, bool signed = false)
    {
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        double half = StudentT975(values.Count - 1) * sd / Math.Sqrt(values.Count);
        string f(double x) => signed ? x.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : x.ToString("0.000", CultureInfo.InvariantCulture);
        return $"{f(mean)} ({f(mean - half)} to {f(mean + half)})";
    }

    // The 97.5% quantile of Student's t for 1..19 degrees of freedom; the normal's 1.96 beyond (t is 2.09 at 20, 2.04 at 30).
    static readonly double[] T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093];

    static double StudentT975(int degrees) => degrees <= T975.Length ? T975[degrees - 1] : 1.96;

    static string Load() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
