using Preference.Training.Common;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Evaluation;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using TorchSharp;

namespace Preference.Training.Tests.Reward;

public class RewardTrainerTests
{
    static PairwiseAccuracy TrainAndTest(IReadOnlyList<RewardPair> train, IReadOnlyList<RewardPair> test,
        RewardPooling pooling = RewardPooling.Last)
    {
        using var dir = new TempDirectory();
        var config = SyntheticPreferences.TinyConfig() with { Pooling = pooling, HeadDropout = pooling == RewardPooling.Last ? 0 : 0.1 };
        return SyntheticPreferences.TrainAndTest(config, dir, train, SyntheticPreferences.AppleWins(16, seed: 99), test);
    }

    [Theory]
    [InlineData(RewardPooling.Last)]
    [InlineData(RewardPooling.LastAndMean)]
    public void A_reward_model_learns_that_completions_containing_the_word_win(RewardPooling pooling)
    {
        var accuracy = TrainAndTest(SyntheticPreferences.AppleWins(96, seed: 1), SyntheticPreferences.AppleWins(40, seed: 2), pooling);
        Assert.True(accuracy.Accuracy >= 0.9, $"held-out accuracy {accuracy}");
    }

    [Theory]
    [InlineData(RewardPooling.Last)]
    [InlineData(RewardPooling.LastAndMean)]
    public void Swapping_chosen_and_rejected_teaches_the_opposite_preference(RewardPooling pooling)
    {
        // Validation stays un-swapped on purpose: the best-checkpoint choice must not rescue swapped labels.
        var accuracy = TrainAndTest(SyntheticPreferences.Swapped(SyntheticPreferences.AppleWins(96, seed: 1)), SyntheticPreferences.AppleWins(40, seed: 2), pooling);
        Assert.True(accuracy.Accuracy <= 0.25, $"held-out accuracy {accuracy}");
    }

    [Fact]
    public void The_pooled_reward_adds_the_mean_hidden_state_of_the_completion_tokens_only()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(8, seed: 3);
        var config = SyntheticPreferences.TinyConfig() with { Pooling = RewardPooling.LastAndMean };
        using var model = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        const string prompt = "\n\nHuman: tell me something\n\nAssistant:", completion = "a red apple on the mat";
        var window = model.Window.Encode(prompt, completion);
        Assert.Equal(" a red apple on the mat", model.Tokenizer.Decode(window.Ids[window.CompletionStart..^1]));

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ids = torch.tensor(window.Ids.Select(i => (long)i).ToArray()).unsqueeze(0);
        var hidden = model.Network.Trunk.HiddenStates(ids, Preference.Models.Decoding.DecoderContext.Causal(1, ids.shape[1], torch.CPU))[0];
        var last = model.Network.Score.forward(hidden[^1..]).item<float>();
        var pooled = model.Network.PooledScore!.forward(hidden[window.CompletionStart..].mean([0]).unsqueeze(0)).item<float>();

        Assert.Equal(last + pooled, model.Score([(prompt, completion)])[0], 4);
    }

    [Fact]
    public void Training_reports_every_stages_metric_names_every_step_and_validation_on_schedule()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(32, seed: 5);
        var config = SyntheticPreferences.TinyConfig() with { NumTrainEpochs = 2, EvalSteps = 3, LoggingSteps = 1 };
        using var model = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        var metrics = new List<TrainingProgress>();
        var result = SyntheticPreferences.Train(config, model, train, train.Take(8).ToList(), dir.File("run"), progress: new InlineProgress(metrics.Add));
        Assert.Equal(4, result.Steps);
        Assert.Equal([1L, 2, 3, 4], metrics.Select(m => m.Step));
        Assert.Equal([3L, 4], metrics.Where(m => m.Metrics.ContainsKey("eval/accuracy")).Select(m => m.Step)); // every 3rd and the last
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.Metrics["train/loss"]) && m.Metrics["train/rewards/std"] >= 0));
        Assert.All(metrics, m => Assert.True(m.Metrics.ContainsKey("train/learning_rate") && m.Metrics.ContainsKey("train/grad_norm")
                                             && m.Metrics.ContainsKey("train/accuracy") && m.Metrics.ContainsKey("train/epoch")));
        var rows = JsonlMetricsSink.Read(dir.File("run/metrics.jsonl"));
        Assert.Equal(RewardTrainer.Stage, rows[0].GetProperty("stage").GetString());
        Assert.True(rows[0].GetProperty("setup/train_examples").GetDouble() == 32);
        Assert.Contains(rows, r => r.TryGetProperty("eval/loss", out _) && r.TryGetProperty("eval/accuracy", out _));
    }

    [Fact]
    public void Accuracy_on_a_separable_set_improves_and_the_final_model_is_the_best_validation_steps()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(64, seed: 1);
        var validation = SyntheticPreferences.AppleWins(16, seed: 99);
        var config = SyntheticPreferences.TinyConfig() with { EvalSteps = 2, LoggingSteps = 1 };
        using var model = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        var result = SyntheticPreferences.Train(config, model, train, validation, dir.File("run"));

        var evaluations = JsonlMetricsSink.Read(dir.File("run/metrics.jsonl")).Where(r => r.TryGetProperty("eval/accuracy", out _))
            .Select(r => (Step: r.GetProperty("step").GetInt64(), Accuracy: r.GetProperty("eval/accuracy").GetDouble())).ToList();
        Assert.True(evaluations[^1].Accuracy > evaluations[0].Accuracy || evaluations[0].Accuracy == 1, $"accuracy {evaluations[0].Accuracy} -> {evaluations[^1].Accuracy}");
        Assert.True(evaluations.Max(e => e.Accuracy) >= 0.9, $"best validation accuracy {evaluations.Max(e => e.Accuracy)}");
        // Early stopping and best/ follow accuracy (higher is better): the kept step is the first with the highest.
        var best = evaluations.First(e => e.Accuracy == evaluations.Max(x => x.Accuracy));
        Assert.Equal(best.Step, result.BestStep);
        Assert.Equal(best.Accuracy, result.ValidationAccuracy, 6);

        using var exported = RewardModelDirectory.Load(result.FinalDirectory, torch.CPU);
        var inputs = validation.Select(p => (p.Prompt, p.Chosen)).ToList();
        Assert.Equal(model.Score(inputs), exported.Score(inputs));
        Assert.NotNull(exported.Statistics);
    }

    [Fact]
    public void With_metric_for_best_model_loss_the_kept_step_is_the_lowest_validation_loss()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(64, seed: 1);
        var validation = SyntheticPreferences.AppleWins(16, seed: 99);
        var config = SyntheticPreferences.TinyConfig() with { EvalSteps = 2, LoggingSteps = 1, MetricForBestModel = BestModelMetric.Loss };
        using var model = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        var result = SyntheticPreferences.Train(config, model, train, validation, dir.File("run"));

        var evaluations = JsonlMetricsSink.Read(dir.File("run/metrics.jsonl")).Where(r => r.TryGetProperty("eval/loss", out _))
            .Select(r => (Step: r.GetProperty("step").GetInt64(), Loss: r.GetProperty("eval/loss").GetDouble(), Accuracy: r.GetProperty("eval/accuracy").GetDouble()))
            .ToList();
        var best = evaluations.First(e => e.Loss == evaluations.Min(x => x.Loss));
        Assert.Equal(best.Step, result.BestStep);
        Assert.Equal(best.Loss, result.ValidationLoss, 6);
        Assert.Equal(best.Accuracy, result.ValidationAccuracy, 6);
    }

    [Fact]
    public void Resume_after_a_stop_gives_identical_losses_and_a_used_directory_is_refused()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(48, seed: 5);
        var validation = SyntheticPreferences.AppleWins(8, seed: 6);
        // Head dropout draws from torch's RNG every step: only a restored RNG state repeats the losses.
        var config = SyntheticPreferences.TinyConfig() with { NumTrainEpochs = 2, EvalSteps = 2, SaveSteps = 2, Pooling = RewardPooling.LastAndMean, HeadDropout = 0.3 };

        List<double> Run(string run, bool resume, int? stopAfter)
        {
            using var model = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
            var losses = new List<double>();
            using var stop = new CancellationTokenSource();
            var progress = new InlineProgress(m =>
            {
                losses.Add(m.Metrics["train/loss"]);
                if (m.Step == stopAfter) stop.Cancel();
            });
            try
            {
                SyntheticPreferences.Train(config, model, train, validation, run, resume, progress, stop.Token);
            }
            catch (OperationCanceledException) { }
            return losses;
        }

        var uninterrupted = Run(dir.File("a"), resume: false, stopAfter: null);
        var firstPart = Run(dir.File("b"), resume: false, stopAfter: 4);
        var refused = Assert.Throws<ArgumentException>(() => Run(dir.File("b"), resume: false, stopAfter: null));
        Assert.Contains("already holds a rm run; pass --resume", refused.Message);
        var rest = Run(dir.File("b"), resume: true, stopAfter: null);
        Assert.Equal(6, uninterrupted.Count);
        Assert.Equal(4, firstPart.Count);
        Assert.Equal(uninterrupted, firstPart.Concat(rest));
    }

    [Fact]
    public void Long_texts_keep_their_end_and_are_counted_as_truncated()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(8, seed: 3);
        using var model = RewardModelFactory.Create(SyntheticPreferences.TinyConfig(), train, dir.File("tokenizer"), torch.CPU);
        var text = string.Join(" ", Enumerable.Repeat("the cat sat on the mat", 20)) + " final apple";
        var (ids, _, truncated) = model.Window.Encode(text);
        Assert.True(truncated);
        Assert.Equal(32, ids.Length);
        Assert.Equal(model.Tokenizer.EosId, ids[^1]);
        Assert.EndsWith("final apple", model.Tokenizer.Decode(ids));
        var (shortIds, _, shortCut) = model.Window.Encode("apple");
        Assert.False(shortCut);
        Assert.Equal(model.Tokenizer.BosId, shortIds[0]);
    }

    [Fact]
    public void Freezing_stops_embeddings_and_low_layers_from_learning()
    {
        using var dir = new TempDirectory();
        var train = SyntheticPreferences.AppleWins(16, seed: 3);
        var config = SyntheticPreferences.TinyConfig() with
        {
            Scratch = new ScratchModel { VocabSize = 320, HiddenSize = 32, Layers = 2, Heads = 2, IntermediateSize = 64 },
            FreezeLayers = 1, FreezeEmbeddings = true, MaxSteps = 2,
        };
        using var model = RewardModelFactory.Create(config, train, dir.File("tokenizer"), torch.CPU);
        var before = model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        SyntheticPreferences.Train(config, model, train, train.Take(4).ToList(), dir.File("run"));

        var trainable = model.Network.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.DoesNotContain(trainable, n => n.Contains("embed_tokens") || n.Contains("layers.0."));
        Assert.Contains(trainable, n => n.Contains("layers.1."));
        Assert.Contains(trainable, n => n.StartsWith("score."));
        foreach (var (name, value) in model.Network.state_dict())
        {
            bool frozen = name.Contains("embed_tokens") || name.Contains("layers.0.");
            if (frozen) Assert.True(before[name].allclose(value, rtol: 0, atol: 0), $"{name} changed although frozen");
        }
        Assert.Contains(model.Network.state_dict(), kv => kv.Key.Contains("layers.1.") && !before[kv.Key].allclose(kv.Value, rtol: 0, atol: 0));
    }
}
