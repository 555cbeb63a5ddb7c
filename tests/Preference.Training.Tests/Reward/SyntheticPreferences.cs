using Preference.Training.Common;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using TorchSharp;

namespace Preference.Training.Tests.Reward;

/// <summary>Pairs where the right answer is known: the completion that contains "apple" is the preferred one.</summary>
public static class SyntheticPreferences
{
    static readonly string[] Words = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "far", "blue", "sky", "red", "car", "went", "home"];

    public static List<RewardPair> AppleWins(int count, int seed)
    {
        var random = new Random(seed);
        string Sentence() => string.Join(" ", Enumerable.Range(0, random.Next(3, 7)).Select(_ => Words[random.Next(Words.Length)]));
        return Enumerable.Range(0, count).Select(i =>
        {
            var prompt = $"\n\nHuman: tell me something {i}\n\nAssistant:";
            var plain = Sentence();
            var words = Sentence().Split(' ').ToList();
            words.Insert(random.Next(words.Count + 1), "apple");
            return new RewardPair(prompt, prompt, string.Join(" ", words), plain);
        }).ToList();
    }

    public static List<RewardPair> Swapped(IEnumerable<RewardPair> pairs) =>
        pairs.Select(p => p with { Chosen = p.Rejected, Rejected = p.Chosen }).ToList();

    /// <summary>Creates a reward model for <paramref name="config"/>, trains it and returns its accuracy on <paramref name="test"/>.</summary>
    public static PairwiseAccuracy TrainAndTest(RewardConfig config, TempDirectory dir,
        IReadOnlyList<RewardPair> train, IReadOnlyList<RewardPair> validation, IReadOnlyList<RewardPair> test)
    {
        using var model = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        Train(config, model, train, validation, dir.File("run"));
        return RewardEvaluator.Evaluate(model, test).Accuracy;
    }

    /// <summary>One run on the training loop into <paramref name="runDirectory"/>; the model ends as the best validation step's.</summary>
    public static RewardTrainingResult Train(RewardConfig config, RewardModel model, IReadOnlyList<RewardPair> train,
        IReadOnlyList<RewardPair> validation, string runDirectory, bool resume = false, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        new RewardTrainer(config, model, train, validation, new RunDirectory(runDirectory))
            .TrainAsync(resume, progress, cancellationToken).GetAwaiter().GetResult();

    /// <summary>A model small enough to train in seconds on two shared cores.</summary>
    public static RewardConfig TinyConfig() => new()
    {
        TrainFile = "synthetic",
        BaseModel = "scratch",
        Scratch = new ScratchModel { VocabSize = 320, HiddenSize = 32, Layers = 1, Heads = 2, IntermediateSize = 64 },
        MaxLength = 32,
        PerDeviceTrainBatchSize = 16,
        NumTrainEpochs = 6,
        Optimizer = new OptimizerConfig { LearningRate = 1e-2, WeightDecay = 0.01, WarmupRatio = 0.1, Schedule = LearningRateScheduleKind.Cosine },
        EvalSteps = 10,
        EarlyStoppingPatience = 0,
    };
}
