using Preference.Training.Ppo;
using static TorchSharp.torch;

namespace Preference.Training.Tests.Ppo;

public sealed class GaeTests
{
    [Fact]
    public void Advantages_follow_the_backward_recursion()
    {
        // One row, 3 tokens, γ = 1, λ = 0.5: δ = r + V_next − V.
        var rewards = tensor(new float[] { 0, 0, 1 }).unsqueeze(0);
        var values = tensor(new float[] { 0.2f, 0.4f, 0.5f }).unsqueeze(0);
        var (advantages, returns) = Gae.Compute(rewards, values, gamma: 1, lambda: 0.5);
        float d2 = 1 - 0.5f, d1 = 0 + 0.5f - 0.4f, d0 = 0 + 0.4f - 0.2f;
        float a2 = d2, a1 = d1 + 0.5f * a2, a0 = d0 + 0.5f * a1;
        Assert.True(advantages.allclose(tensor(new[] { a0, a1, a2 }).unsqueeze(0), atol: 1e-6));
        Assert.True(returns.allclose(advantages + values, atol: 1e-6));
    }

    [Fact]
    public void K3_kl_is_never_negative_while_k1_can_be()
    {
        var logProbs = tensor(new float[] { -1.0f, -2.0f });
        var refLogProbs = tensor(new float[] { -2.0f, -1.0f });
        var k1 = SequenceKl.PerToken(logProbs, refLogProbs, KlEstimator.K1).data<float>().ToArray();
        var k3 = SequenceKl.PerToken(logProbs, refLogProbs, KlEstimator.K3).data<float>().ToArray();
        Assert.Equal([1f, -1f], k1);
        Assert.All(k3, value => Assert.True(value >= 0));
    }

    [Fact]
    public void Adaptive_controller_raises_beta_when_kl_overshoots_and_lowers_it_when_under()
    {
        var over = new KlController(0.1, target: 6, horizon: 100);
        over.Update(observedKl: 12, episodes: 10);
        Assert.Equal(0.1 * (1 + 0.2 * 10 / 100), over.Value, 12);
        var under = new KlController(0.1, target: 6, horizon: 100);
        under.Update(observedKl: 3, episodes: 10);
        Assert.True(under.Value < 0.1);
        var fixedBeta = new KlController(0.1);
        fixedBeta.Update(100, 10);
        Assert.Equal(0.1, fixedBeta.Value);
    }

    [Fact]
    public void Prompt_batches_depend_only_on_seed_and_step_and_cover_every_prompt_each_epoch()
    {
        var prompts = Enumerable.Range(0, 10).Select(i => $"p{i}").ToList();
        var first = PromptBatches.ForStep(prompts, 5, seed: 3, step: 1).Prompts.Concat(PromptBatches.ForStep(prompts, 5, 3, 2).Prompts).ToList();
        Assert.Equal(prompts.Order(), first.Order());
        Assert.Equal(PromptBatches.ForStep(prompts, 5, 3, 7).Prompts, PromptBatches.ForStep(prompts, 5, 3, 7).Prompts);
    }
}
