using System.Text.Json;
using Preference.Models;
using Preference.Models.Loading;
using Preference.Models.Lora;
using Preference.Training.Common;
using Preference.Training.Data;
using Preference.Training.Dpo;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Tests.Dpo;

public class DpoTrainerTests
{
    [Fact]
    public async Task Dpo_starts_at_log_two_and_separates_held_out_chosen_from_rejected()
    {
        using var fixture = new DpoFixture();
        var config = DpoFixture.Config(fixture.WritePairs());

        var (result, run) = await fixture.TrainAsync(config, "run");

        // At step 1 the policy is the reference, so h = 0 for every pair and the loss is exactly log 2.
        Assert.Equal(Math.Log(2), DpoFixture.Metric(run, "train/loss")[0].Value, 4);
        var margins = DpoFixture.Metric(run, "eval/rewards/margins");
        Assert.True(margins[^1].Value > 0.5, $"held-out margin after training: {margins[^1].Value}");
        Assert.True(DpoFixture.Metric(run, "eval/rewards/accuracies")[^1].Value >= 0.9);
        foreach (var name in new[] { "train/rewards/chosen", "train/rewards/rejected", "train/logps/chosen", "train/logps/rejected", "train/learning_rate", "train/grad_norm" })
            Assert.NotEmpty(DpoFixture.Metric(run, name));
        using var exported = HuggingFaceCheckpoint.Load(result.FinalDirectory);
        Assert.Equal(5, exported.Shape.Layers);
    }

    [Theory]
    [InlineData(PreferenceLossType.Ipo, 0.5)]
    [InlineData(PreferenceLossType.Hinge, 0.1)]
    [InlineData(PreferenceLossType.Robust, 0.1)]
    [InlineData(PreferenceLossType.Simpo, 2.0)]
    public async Task Every_pairwise_loss_learns_the_held_out_preference(PreferenceLossType loss, double beta)
    {
        using var fixture = new DpoFixture();
        var config = DpoFixture.Config(fixture.WritePairs()) with
        {
            Loss = loss, Beta = beta, LabelSmoothing = loss == PreferenceLossType.Robust ? 0.1 : 0,
            Lora = new LoraConfig { Rank = 8, Alpha = 16, Dropout = 0 }, Optimizer = new OptimizerConfig { LearningRate = 1e-2, WarmupSteps = 1 },
        };

        var (_, run) = await fixture.TrainAsync(config, "run");

        var accuracy = DpoFixture.Metric(run, "eval/rewards/accuracies")[^1].Value;
        Assert.True(accuracy >= 0.9, $"{loss}: held-out reward accuracy {accuracy}");
    }

    [Fact]
    public void Lora_policy_with_adapters_off_scores_like_the_base_model()
    {
        using var policy = ModelBundle.Load(null, CPU);
        using var baseModel = ModelBundle.Load(null, CPU);
        LoraAdapters.Apply(policy.Model, new LoraConfig { Rank = 4, Alpha = 8, Dropout = 0 });
        using (no_grad())
            foreach (var (_, layer) in policy.Model.Adapters()) layer.LoraB.normal_(0, 0.5); // adapters that change the output
        var tokens = CompletionTokens.Tokenize("Tim saw a cat.", "Tim said: the cat is red.", policy.Tokenizer, 32, out _)!;
        using var batch = SftBatch.Collate([tokens.ToExample()], 0, CPU);

        using var noGrad = no_grad();
        float reference;
        using (policy.Model.DisabledAdapters()) reference = SequenceLogProbs.Compute(policy.Model, batch).Sum.item<float>();
        float adapted = SequenceLogProbs.Compute(policy.Model, batch).Sum.item<float>();
        float expected = SequenceLogProbs.Compute(baseModel.Model, batch).Sum.item<float>();

        Assert.Equal(expected, reference, 4);
        Assert.True(Math.Abs(adapted - expected) > 0.1, "the adapters should change the log-prob when on");
    }

    [Fact]
    public async Task Precomputed_reference_log_probs_give_the_losses_of_a_live_reference()
    {
        using var fixture = new DpoFixture();
        var config = DpoFixture.Config(fixture.WritePairs()) with { MaxSteps = 3, EvalSteps = 3 };

        var (_, live) = await fixture.TrainAsync(config, "live");
        var (_, precomputed) = await fixture.TrainAsync(config with { PrecomputeRefLogProbs = true }, "precomputed");

        var expected = DpoFixture.Metric(live, "train/loss");
        var actual = DpoFixture.Metric(precomputed, "train/loss");
        Assert.Equal(3, expected.Count);
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First.Value, p.Second.Value, 4));
    }

    [Fact]
    public async Task Kto_on_thumbs_up_and_down_raises_desirable_rewards_above_undesirable()
    {
        using var fixture = new DpoFixture();
        var rows = File.ReadLines(fixture.WritePairs()).SelectMany(line =>
        {
            using var pair = JsonDocument.Parse(line);
            var p = pair.RootElement;
            // Unpaired as a thumbs-up/down interface collects them: each completion judged on its own.
            return new[]
            {
                JsonSerializer.Serialize(new { prompt = p.GetProperty("prompt").GetString(), completion = p.GetProperty("chosen").GetString(), label = true }),
                JsonSerializer.Serialize(new { prompt = p.GetProperty("prompt").GetString(), completion = p.GetProperty("rejected").GetString(), label = false }),
            };
        }).ToList();
        var path = fixture.Path("labels.jsonl");
        File.WriteAllLines(path, rows);
        var config = DpoFixture.Config(path) with
        {
            Loss = PreferenceLossType.Kto, Beta = 0.1, Lora = new LoraConfig { Rank = 8, Alpha = 16, Dropout = 0 },
            Optimizer = new OptimizerConfig { LearningRate = 1e-2, WarmupSteps = 1 }, MaxSteps = 10, EvalSteps = 5,
        };

        var (_, run) = await fixture.TrainAsync(config, "run");

        var margin = DpoFixture.Metric(run, "eval/rewards/margins")[^1].Value;
        Assert.True(margin > 0.2, $"held-out desirable-minus-undesirable reward: {margin}");
        Assert.NotEmpty(DpoFixture.Metric(run, "train/kl"));
        Assert.Equal("kto", JsonlMetricsSink.Read(run.MetricsFile)[0].GetProperty("stage").GetString());
    }

    [Fact]
    public async Task Resume_after_kill_gives_identical_losses()
    {
        using var fixture = new DpoFixture();
        var config = DpoFixture.Config(fixture.WritePairs()) with
        {
            Lora = new LoraConfig { Rank = 4, Alpha = 8, Dropout = 0.3 }, DisableDropout = false,
            Optimizer = new OptimizerConfig { LearningRate = 5e-3, GradientAccumulationSteps = 2, WarmupSteps = 1 },
            PerDeviceTrainBatchSize = 4, MaxSteps = 0, NumTrainEpochs = 2, EvalSteps = 3, SaveSteps = 2,
        };
        var (_, straight) = await fixture.TrainAsync(config, "straight");

        using var kill = new CancellationTokenSource();
        var stopAtThree = new InlineProgress(p => { if (p.Step == 3) kill.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.TrainAsync(config, "killed", progress: stopAtThree, cancellationToken: kill.Token));
        var (_, resumed) = await fixture.TrainAsync(config, "killed", resume: true);

        var expected = DpoFixture.Metric(straight, "train/loss");
        var actual = DpoFixture.Metric(resumed, "train/loss");
        Assert.Equal(expected.Select(e => e.Step), actual.Select(a => a.Step));
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First.Value - p.Second.Value) < 1e-5, $"step {p.First.Step}: {p.First.Value} vs {p.Second.Value}"));
    }

    [Fact]
    public async Task A_fresh_run_into_a_directory_holding_another_run_is_refused()
    {
        using var fixture = new DpoFixture();
        var config = DpoFixture.Config(fixture.WritePairs()) with { MaxSteps = 2, EvalSteps = 2 };
        await fixture.TrainAsync(config, "run");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.TrainAsync(config, "run"));
        Assert.Contains("already holds a dpo run", error.Message);
        Assert.Contains("--resume", error.Message);
    }
}
