using Preference.Training.Ppo;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Tests.Ppo;

public sealed class PpoSharedTrunkTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "pref-ppo-shared-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void One_shared_forward_equals_the_policy_and_the_value_model_run_apart()
    {
        torch.set_num_threads(1);
        using var models = PpoModels.Load(SmallPpoRun.Config() with { SharedValueTrunk = true }, CPU);
        Assert.True(models.SharesTrunk);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(models.Tokenizer.Encode("Once upon a time, there was a dog. He was happy.", addBos: true).Select(t => (long)t).ToArray()).unsqueeze(0);
        var mask = ones_like(ids);
        long context = 4, length = ids.shape[1] - context;

        var (logProbs, _, values) = PolicyValueForward.Compute(models, ids, mask, context, 0.7);
        var apartLogProbs = ResponseLogProbs.Compute(models.Policy, ids, mask, context, 0.7).LogProbs;
        var apartValues = models.Value.PerPosition(ids, mask).narrow(1, context - 1, length);
        Assert.True(logProbs.allclose(apartLogProbs, rtol: 0, atol: 1e-6));
        Assert.True(values.allclose(apartValues, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public async Task Shared_trunk_trains_each_weight_once_and_checkpoints_the_head_beside_the_policy()
    {
        var config = SmallPpoRun.Config(steps: 2) with { SharedValueTrunk = true };
        var trainer = SmallPpoRun.Trainer(config, _directory, out var models);
        using (models)
        {
            var trainable = models.TrainableParameters().ToList();
            Assert.Equal(trainable.Count, trainable.Select(p => p.Handle).Distinct().Count());
            Assert.Equal(models.Policy.parameters().Count() + models.Value.Head.parameters().Count(), trainable.Count);
            await trainer.TrainAsync(resume: false);
        }
        var checkpoint = Directory.GetDirectories(Path.Combine(_directory, "checkpoints")).Single();
        Assert.True(File.Exists(Path.Combine(checkpoint, "value_head.safetensors")));
        Assert.True(File.Exists(Path.Combine(checkpoint, "policy.safetensors")));
        Assert.All(SmallPpoRun.Series(_directory, "loss/value_avg"), value => Assert.True(double.IsFinite(value)));
        Assert.True(SmallPpoRun.Series(_directory, "objective/kl")[1] != 0, "the policy should move after one update");
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
