using Preference.Models.Loading;
using Preference.Models.Lora;
using Preference.Training.Common;

namespace Preference.Training.Tests.Sft;

public class SftTrainerTests
{
    [Fact]
    public async Task Full_fine_tuning_on_a_new_task_lowers_validation_loss_and_exports_a_loadable_model()
    {
        using var fixture = new SftFixture();
        var config = SftFixture.Config(fixture.WriteTask()) with { MaxSteps = 12, EvalSteps = 3, ForgettingSamples = 8, ForgettingMaxTokens = 24 };

        var (result, run) = await fixture.TrainAsync(config, "run");

        var evalLoss = SftFixture.Metric(run, "eval/loss");
        Assert.Equal([3L, 6, 9, 12, 12], evalLoss.Select(e => e.Step));
        Assert.True(evalLoss[3].Value < evalLoss[0].Value - 0.3, $"validation loss went {evalLoss[0].Value} -> {evalLoss[3].Value}");
        Assert.Equal(12, result.Steps);
        // Forgetting is reported next to the task's loss: perplexity on the base model's own stories, before and after.
        var forgetting = JsonlMetricsSink.Read(run.MetricsFile).Single(r => r.TryGetProperty("forgetting/perplexity", out _));
        Assert.True(forgetting.GetProperty("forgetting/base_perplexity").GetDouble() is > 1 and < 50);
        Assert.True(forgetting.GetProperty("forgetting/perplexity").GetDouble() > 1);
        Assert.True(forgetting.TryGetProperty("eval/loss", out _));
        using var exported = HuggingFaceCheckpoint.Load(result.FinalDirectory);
        Assert.Equal(5, exported.Shape.Layers);
        using var bundle = Preference.Models.ModelBundle.Load(result.FinalDirectory, TorchSharp.torch.CPU); // with its own tokenizer
        Assert.Equal("hf-bpe-sentencepiece", bundle.Tokenizer.Format);
    }

    [Fact]
    public async Task Lora_run_exports_peft_adapters_and_a_merged_model()
    {
        using var fixture = new SftFixture();
        var config = SftFixture.Config(fixture.WriteTask()) with { Lora = new LoraConfig { Rank = 8, Alpha = 16, Dropout = 0 }, MaxSteps = 4 };

        var (result, run) = await fixture.TrainAsync(config, "run");

        Assert.True(File.Exists(Path.Combine(result.FinalDirectory, PeftAdapterFiles.ConfigFileName)));
        Assert.True(File.Exists(Path.Combine(result.FinalDirectory, PeftAdapterFiles.WeightsFileName)));
        Assert.True(File.Exists(Path.Combine(result.MergedDirectory!, "config.json")));
        var setup = JsonlMetricsSink.Read(run.MetricsFile)[0];
        // Per layer, r=8: q_proj A [8, 64] + B [64, 8], v_proj (4 KV heads x 8) A [8, 64] + B [32, 8].
        Assert.Equal(5 * (8 * 64 + 64 * 8 + 8 * 64 + 32 * 8), setup.GetProperty("setup/trainable_parameters").GetDouble());
        Assert.True(File.Exists(Path.Combine(run.BestModelDirectory, PeftAdapterFiles.WeightsFileName)));
        // The adapter directory is a model path too: base named in adapter_config.json, adapters merged in.
        Assert.Equal(Greedy(result.MergedDirectory!), Greedy(result.FinalDirectory));
    }

    static IReadOnlyList<int> Greedy(string modelPath)
    {
        using var bundle = Preference.Models.ModelBundle.Load(modelPath, TorchSharp.torch.CPU);
        return new Preference.Models.Generation.TextGenerator(bundle.Model, bundle.Tokenizer)
            .Generate(["Tim saw a ball."], new Preference.Models.Generation.GenerationOptions { MaxNewTokens = 16, Temperature = 0 })[0].TokenIds;
    }

    [Fact]
    public async Task Resume_after_kill_gives_identical_losses_with_dropout_on()
    {
        using var fixture = new SftFixture();
        // LoRA dropout draws from torch's RNG every step, so only a restored RNG state reproduces the losses.
        var config = SftFixture.Config(fixture.WriteTask()) with
        {
            Lora = new LoraConfig { Rank = 4, Alpha = 8, Dropout = 0.3, TargetModules = ["q_proj", "v_proj", "up_proj"] },
            Optimizer = new OptimizerConfig { LearningRate = 5e-3, GradientAccumulationSteps = 2, WarmupSteps = 1 },
            PerDeviceTrainBatchSize = 4,
            MaxSteps = 0,
            NumTrainEpochs = 2, // 36 rows / 4 = 9 micro-batches, 5 steps per epoch: the short last step crosses epochs
            EvalSteps = 3,
            SaveSteps = 3,
        };
        var (uninterrupted, straightRun) = await fixture.TrainAsync(config, "straight");

        using var kill = new CancellationTokenSource();
        var stopAtFive = new InlineProgress(p => { if (p.Step == 5) kill.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.TrainAsync(config, "killed", progress: stopAtFive, cancellationToken: kill.Token));
        var (resumed, resumedRun) = await fixture.TrainAsync(config, "killed", resume: true);

        var expected = SftFixture.Metric(straightRun, "train/loss");
        var actual = SftFixture.Metric(resumedRun, "train/loss");
        Assert.Equal(10, expected.Count);
        Assert.Equal(expected.Select(e => e.Step), actual.Select(a => a.Step));
        Assert.All(expected.Zip(actual), pair => Assert.True(Math.Abs(pair.First.Value - pair.Second.Value) < 1e-5,
            $"step {pair.First.Step}: {pair.First.Value} vs {pair.Second.Value}"));
        Assert.Equal(uninterrupted.FinalValidationLoss!.Value, resumed.FinalValidationLoss!.Value, 1e-5);
    }

    [Fact]
    public async Task Early_stopping_ends_the_run_after_patience_evaluations_without_improvement()
    {
        using var fixture = new SftFixture();
        // An improvement must beat the best by 100 nats: only the first evaluation counts as one.
        var config = SftFixture.Config(fixture.WriteTask()) with { MaxSteps = 20, EvalSteps = 2, EarlyStoppingPatience = 2, EarlyStoppingThreshold = 100 };

        var (result, run) = await fixture.TrainAsync(config, "run");

        Assert.True(result.StoppedEarly);
        Assert.Equal(6, result.Steps);
        Assert.Equal(2, result.BestStep);
        Assert.True(File.Exists(Path.Combine(run.BestModelDirectory, "config.json")));
    }

    [Fact]
    public async Task Frozen_layers_and_embeddings_leave_the_export_bit_identical_there_and_changed_elsewhere()
    {
        using var fixture = new SftFixture();
        var config = SftFixture.Config(fixture.WriteTask()) with { FreezeLayers = 2, FreezeEmbeddings = true, MaxSteps = 3, Packing = true };

        using var original = SftFixture.LoadModel();
        var before = original.Model.state_dict();
        var checkedNames = new List<string>();

        await fixture.TrainAsync(config, "run", inspectTrained: tuned =>
        {
            foreach (var (name, weight) in tuned.state_dict())
            {
                bool frozen = name.StartsWith("model.embed_tokens.") || name.StartsWith("model.layers.0.") || name.StartsWith("model.layers.1.");
                bool same = weight.eq(before[name]).all().item<bool>();
                Assert.True(frozen == same, $"{name}: frozen {frozen}, unchanged {same}");
                checkedNames.Add(name);
            }
        });

        Assert.Equal(before.Count, checkedNames.Count);
    }

    [Fact]
    public async Task Resume_without_a_checkpoint_is_refused_naming_the_folder()
    {
        using var fixture = new SftFixture();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.TrainAsync(SftFixture.Config(fixture.WriteTask()), "empty", resume: true));
        Assert.Contains("holds no checkpoint", error.Message);
    }
}
