using System.Diagnostics;
using Preference.Core.Datasets;
using Preference.Training.Common;
using Preference.Training.Reward.Baselines;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using TorchSharp;

namespace Preference.Bench;

/// <summary>
/// Reward-model accuracy on the real shared data against the two baselines: `hh` trains on HH-RLHF harmless train.jsonl
/// and reports dev.jsonl once; `qa` splits qa-feedback 80/20 by question. Options: key=value overriding RewardConfig
/// (base_model, epochs, learning_rate, weight_decay, max_length, batch_size, hidden, layers, heads, vocab, seed,
/// label_smoothing, centering, frozen_layers, eval_every, pooling=last|lastandmean, context=full|lasthumanturn|relevantpassages,
/// model=train|skip (skip: baselines only), features=none|grounding|grounding_reference, warm_start, feature_l2, test_seed (qa only, default 1001 as pref rm train's seed 1),
/// head_dropout, warmup, intermediate, patience, threads, ablate=true (the feature set's logistic without each feature, on validation),
/// test=report|skip — skip while choosing settings). A later key=value overrides an earlier one.
/// </summary>
public sealed class RewardAccuracyBenchmark : IBenchmark
{
    public string Name => "rm-accuracy";
    public string Description => "reward-model pairwise accuracy on HH-RLHF harmless (hh) or qa-feedback (qa) vs baselines";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        string dataset = args.FirstOrDefault() ?? "hh";
        // A later key=value overrides an earlier one, so a script's defaults can be followed by one experiment's change.
        var options = args.Skip(1).Select(a => a.Split('=', 2)).GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.Last()[1]);
        string Get(string key, string fallback) => options.GetValueOrDefault(key, fallback);
        var shared = Path.Combine(SharedFolder.Locate(), "data");
        int threads = int.Parse(Get("threads", Environment.ProcessorCount.ToString()));
        torch.set_num_threads(threads);

        IReadOnlyList<RewardPair> trainAll, test;
        if (dataset == "hh")
        {
            trainAll = await RewardDataReader.ReadFileAsync(Path.Combine(shared, "hh-rlhf-harmless", "train.jsonl"), TieHandling.Drop, cancellationToken: cancellationToken);
            test = await RewardDataReader.ReadFileAsync(Path.Combine(shared, "hh-rlhf-harmless", "dev.jsonl"), TieHandling.Drop, cancellationToken: cancellationToken);
        }
        else
        {
            var all = await RewardDataReader.ReadFileAsync(Path.Combine(shared, "qa-feedback", "dev_feedback.json"),
                Enum.Parse<TieHandling>(Get("ties", "Drop")), DatasetFormat.QaFeedback, cancellationToken);
            // The test split `pref rm train --config configs/rm-qa-feedback.yaml` holds out (its seed 1 + 1000), whatever
            // seed= picks the validation split, so repeated validation runs never train on test questions.
            (trainAll, test) = PromptSplit.Split(all, 0.2, seed: int.Parse(Get("test_seed", "1001")));
            test = test.Where(p => !p.Tie).ToList();
        }
        var config = new RewardConfig
        {
            TrainFile = dataset,
            BaseModel = Get("base_model", "scratch"),
            NumTrainEpochs = int.Parse(Get("epochs", "4")),
            Optimizer = new OptimizerConfig
            {
                LearningRate = double.Parse(Get("learning_rate", "1e-3")), WeightDecay = double.Parse(Get("weight_decay", "0.1")),
                WarmupRatio = double.Parse(Get("warmup", "0.1")), Schedule = LearningRateScheduleKind.Cosine,
            },
            MaxLength = int.Parse(Get("max_length", "256")),
            PerDeviceTrainBatchSize = int.Parse(Get("batch_size", "16")),
            LabelSmoothing = double.Parse(Get("label_smoothing", "0")),
            CenteringCoefficient = double.Parse(Get("centering", "0.01")),
            FreezeLayers = int.Parse(Get("frozen_layers", "0")),
            FreezeEmbeddings = int.Parse(Get("frozen_layers", "0")) > 0,
            Pooling = Enum.Parse<RewardPooling>(Get("pooling", "Last"), ignoreCase: true),
            Context = Enum.Parse<PromptContext>(Get("context", "Full"), ignoreCase: true),
            HeadDropout = double.Parse(Get("head_dropout", "0")),
            Features = Enum.Parse<RewardFeatures>(Get("features", "None").Replace("_", ""), ignoreCase: true),
            FeatureWarmStart = bool.Parse(Get("warm_start", "true")),
            FeatureL2 = double.Parse(Get("feature_l2", "0.01")),
            EvalSteps = int.Parse(Get("eval_every", "25")),
            EarlyStoppingPatience = int.Parse(Get("patience", "6")),
            Seed = int.Parse(Get("seed", "1")),
            Scratch = new ScratchModel
            {
                HiddenSize = int.Parse(Get("hidden", "64")), Layers = int.Parse(Get("layers", "2")),
                Heads = int.Parse(Get("heads", "4")), VocabSize = int.Parse(Get("vocab", "4096")),
                IntermediateSize = int.Parse(Get("intermediate", "172")),
            },
        };
        if (config.Problems().FirstOrDefault() is { } problem) throw new ArgumentException(problem);
        var (train, validation) = PromptSplit.Split(trainAll, config.ValidationFraction, (int)config.Seed);
        Console.WriteLine($"{dataset}: {train.Count} train, {validation.Count} validation, {test.Count} test pairs");

        // The feature logistics use the config's feature_l2, so they match the reward model's warm start.
        IPairBaseline[] baselines = dataset == "hh"
            ? [new ShorterAnswerBaseline(), new BagOfWordsLogistic(), new GroundingLogistic(config.FeatureL2)]
            : [new LongerAnswerBaseline(), new ShorterAnswerBaseline(), new PassageOverlapBaseline(), new ReferenceOverlapBaseline(),
               new BagOfWordsLogistic(), new GroundingLogistic(config.FeatureL2), new GroundingLogistic(config.FeatureL2, RewardFeatures.GroundingReference)];
        foreach (var baseline in baselines)
        {
            baseline.Fit(train);
            var val = PairwiseAccuracy.Of(validation.Where(p => !p.Tie).Select(p => (baseline.Score(p.Prompt, p.Chosen, p.Reference), baseline.Score(p.Prompt, p.Rejected, p.Reference))));
            var tst = Get("test", "report") == "skip" ? "not scored" : PairwiseAccuracy.Of(test.Select(p => (baseline.Score(p.Prompt, p.Chosen, p.Reference), baseline.Score(p.Prompt, p.Rejected, p.Reference)))).ToString();
            Console.WriteLine($"baseline {baseline.Name}: validation {val.Accuracy:F3}, test {tst}");
        }

        if (Get("ablate", "false") == "true" && config.Features != RewardFeatures.None)
            FeatureAblation.Print(config.Features, train, validation, config.FeatureL2);

        if (Get("model", "train") == "skip") return;
        var work = Directory.CreateTempSubdirectory("rm-bench-").FullName;
        var clock = Stopwatch.StartNew();
        using var model = RewardModelFactory.Create(config, train, work, torch.CPU, cancellationToken);
        var encodedTrain = EncodedPair.Encode(train, model.Window);
        var encodedValidation = EncodedPair.Encode(validation, model.Window);
        Console.WriteLine($"model: {config.BaseModel}, {model.Network.Trunk.ParameterCount():N0} parameters, vocab {model.Tokenizer.VocabSize}, " +
                          $"{encodedTrain.Count(p => p.Truncated)}/{encodedTrain.Count} train pairs truncated at {config.MaxLength} tokens, setup {clock.Elapsed.TotalSeconds:F0}s");
        var trainer = new RewardTrainer(config, model, train, validation, new RunDirectory(Path.Combine(work, "run")));
        var progress = new InlineProgress(p =>
        {
            var m = p.Metrics;
            if (m.TryGetValue("eval/accuracy", out var evalAccuracy))
                Console.WriteLine($"step {p.Step,5} epoch {m["train/epoch"]:F2} loss {m["train/loss"]:F3} acc {m["train/accuracy"]:F2} | eval loss {m["eval/loss"]:F4} acc {evalAccuracy:F3} | {m["perf/tokens_per_second"]:F0} tokens/s");
        });
        var result = await trainer.TrainAsync(resume: false, progress, cancellationToken);
        if (Get("test", "report") == "skip")
        {
            // Choosing settings: validation only, so the test set is looked at once per final config.
            Console.WriteLine($"reward model: best step {result.BestStep}/{result.Steps}, validation {result.ValidationAccuracy:F3} " +
                              $"(loss {result.ValidationLoss:F4}), test not scored, trained in {result.Elapsed.TotalSeconds:F0}s");
            Directory.Delete(work, true);
            return;
        }
        var texts = test.SelectMany(p => new[] { (p.Prompt, p.Chosen, p.Reference), (p.Prompt, p.Rejected, p.Reference) }).ToList();
        var scores = model.Score(texts, cancellationToken: cancellationToken);
        var accuracy = PairwiseAccuracy.Of(Enumerable.Range(0, test.Count).Select(i => ((double)scores[2 * i], (double)scores[2 * i + 1])));
        Console.WriteLine($"reward model: best step {result.BestStep}/{result.Steps}, validation {result.ValidationAccuracy:F3} (loss {result.ValidationLoss:F4}), " +
                          $"test {accuracy}, trained in {result.Elapsed.TotalSeconds:F0}s");
        Directory.Delete(work, true);
    }
}
