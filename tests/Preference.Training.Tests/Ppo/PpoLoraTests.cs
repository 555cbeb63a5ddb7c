using Preference.Models;
using Preference.Models.Generation;
using Preference.Models.Lora;
using Preference.Training.Evaluation;
using Preference.Training.Ppo;
using Preference.Training.Rewards;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Tests.Ppo;

public sealed class PpoLoraTests(LoraPpoRuns runs) : IClassFixture<LoraPpoRuns>
{
    [Fact]
    public void Kl_is_zero_at_the_first_step_and_grows_once_the_adapters_train()
    {
        var kl = SmallPpoRun.Series(runs.Straight, "objective/kl");
        Assert.Equal(0.0, kl[0]); // B starts at zero: the policy is exactly the reference
        Assert.True(kl.Skip(1).All(value => value > 0), "KL after the first update: " + string.Join(" ", kl));
    }

    [Fact]
    public async Task Reference_log_probs_are_the_base_models_while_the_policy_moves()
    {
        var models = runs.KilledModels;
        var collector = new RolloutCollector(models, runs.Config, RewardSources.Build(runs.Config.Rewards), new RewardShaping());
        var (rollout, _, _) = await collector.CollectAsync(SmallPpoRun.Prompts, klCoef: 0.05, generationSeed: 99, CancellationToken.None);
        using (rollout)
        using (var untouched = ModelBundle.Load(null, CPU))
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var baseLogProbs = ResponseLogProbs.Compute(untouched.Model, rollout.Sequences, rollout.AttentionMask,
                rollout.ContextLength, runs.Config.Temperature).LogProbs * rollout.ResponseMask;
            Assert.True(rollout.RefLogProbs.allclose(baseLogProbs, rtol: 0, atol: 1e-5),
                $"reference differs from the base model by {(rollout.RefLogProbs - baseLogProbs).abs().max().item<float>()}");
            float moved = (rollout.LogProbs - rollout.RefLogProbs).abs().max().item<float>();
            Assert.True(moved > 1e-3, $"the policy's log-probs moved only {moved} from the reference's");
        }
    }

    [Fact]
    public void Base_weights_stay_frozen_and_only_adapters_train()
    {
        var policy = runs.KilledModels.Policy;
        using var untouched = ModelBundle.Load(null, CPU);
        var original = untouched.Model.state_dict();
        foreach (var (name, tensor) in policy.state_dict().Where(kv => !kv.Key.Contains("lora_")))
            Assert.True(tensor.eq(original[name]).all().item<bool>(), $"base weight {name} changed");
        Assert.Contains(policy.AdapterParameters(), p => p.abs().sum().item<float>() > 0 && p.requires_grad);
    }

    [Fact]
    public void Resume_after_kill_gives_identical_metrics()
    {
        var expected = SmallPpoRun.MetricRows(runs.Straight);
        var actual = SmallPpoRun.MetricRows(runs.Killed);
        Assert.Equal(LoraPpoRuns.Steps, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i], actual[i]);
    }

    [Fact]
    public void Checkpoints_hold_the_adapters_and_value_model_but_not_the_base_weights()
    {
        var checkpoint = Directory.GetDirectories(Path.Combine(runs.Killed, "checkpoints")).Order().First();
        var files = Directory.GetFiles(checkpoint).Select(Path.GetFileName).ToList();
        Assert.Contains("policy_adapters.safetensors", files);
        Assert.Contains("value.safetensors", files);
        Assert.DoesNotContain("policy.safetensors", files);
        var adapters = new FileInfo(Path.Combine(checkpoint, "policy_adapters.safetensors")).Length;
        var value = new FileInfo(Path.Combine(checkpoint, "value.safetensors")).Length;
        Assert.True(adapters < value / 2, $"adapter checkpoint {adapters} bytes vs whole value model {value}");
    }

    [Fact]
    public void Export_writes_peft_adapters_and_a_merged_model_that_computes_the_same()
    {
        var final = Path.Combine(runs.Straight, "final");
        Assert.True(File.Exists(Path.Combine(final, PeftAdapterFiles.ConfigFileName)));
        Assert.Equal(0.0, PeftAdapterFiles.ReadConfig(final).Dropout);
        using var merged = ModelBundle.Load(Path.Combine(final, "merged"), CPU);
        using var adapted = ModelBundle.Load(null, CPU);
        PeftAdapterFiles.Load(adapted.Model, final);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(merged.Tokenizer.Encode("Once upon a time, there was a dog.", addBos: true).Select(t => (long)t).ToArray()).unsqueeze(0);
        var mask = ones_like(ids);
        var fromMerged = ResponseLogProbs.Compute(merged.Model, ids, mask, 1, 1.0).LogProbs;
        var fromAdapters = ResponseLogProbs.Compute(adapted.Model, ids, mask, 1, 1.0).LogProbs;
        Assert.True(fromMerged.allclose(fromAdapters, rtol: 0, atol: 1e-4));
        using (adapted.Model.DisabledAdapters())
            Assert.False(ResponseLogProbs.Compute(adapted.Model, ids, mask, 1, 1.0).LogProbs.allclose(fromAdapters, rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void Every_exported_directory_loads_on_its_own_and_the_value_model_is_a_sequence_classifier()
    {
        var final = Path.Combine(runs.Straight, "final");
        foreach (var directory in new[] { final, Path.Combine(final, "merged"), Path.Combine(final, LoraExport.BaseDirectoryName) })
            Assert.True(File.Exists(Path.Combine(directory, "tokenizer.json")), $"{directory} has no tokenizer");
        using (var fromAdapters = ModelBundle.Load(final, CPU))
            Assert.Equal(5, fromAdapters.Model.Shape.Layers);

        // The value model under transformers' names and q/k order, not private names beside the policy's weights.
        Assert.False(File.Exists(Path.Combine(final, "value_model.safetensors")));
        var valueDirectory = Path.Combine(final, PpoTrainer.ValueModelDirectoryName);
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(valueDirectory, "config.json")))!;
        Assert.Equal("LlamaForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        using var value = Preference.Training.Reward.Export.RewardModelDirectory.Load(valueDirectory, CPU);
        Assert.All(value.Score([("Once upon a time", " there was a dog.")]), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public async Task Eval_kl_and_training_kl_agree_on_the_same_samples()
    {
        var models = runs.KilledModels;
        var collector = new RolloutCollector(models, runs.Config, RewardSources.Build(runs.Config.Rewards), new RewardShaping());
        var (rollout, _, _) = await collector.CollectAsync(SmallPpoRun.Prompts, klCoef: 0.05, generationSeed: 5, CancellationToken.None);
        using (rollout)
        using (var untouched = ModelBundle.Load(null, CPU))
        {
            long context = rollout.ContextLength;
            using var samples = new GenerationOutput
            {
                PromptIds = rollout.Sequences.narrow(1, 0, context).clone(),
                PromptMask = rollout.AttentionMask.narrow(1, 0, context).clone(),
                CompletionIds = rollout.Sequences.narrow(1, context, rollout.ResponseLength).clone(),
                CompletionMask = rollout.ResponseMask.to(rollout.AttentionMask.dtype),
                CompletionLogProbs = rollout.LogProbs.clone(),
                Finished = rollout.EndedWithEos.clone(),
                EndedWithEos = rollout.EndedWithEos.clone(),
            };
            var evaluation = ReferenceMetrics.Measure(models.Policy, untouched.Model, samples, runs.Config.Temperature);
            double training = rollout.Kl.sum(1).mean().item<float>();
            Assert.True(training > 0.01, $"the policy should have moved (training KL {training})");
            Assert.Equal(training, evaluation.KlSum / evaluation.Samples, 4);
        }
    }
}
