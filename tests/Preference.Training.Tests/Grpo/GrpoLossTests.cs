using Preference.Training.Grpo;
using static TorchSharp.torch;

namespace Preference.Training.Tests.Grpo;

/// <summary>Loss normalisations and clipping on small examples worked out by hand.</summary>
public sealed class GrpoLossTests
{
    // Row 0 has one real token with loss 2, row 1 three with loss 1 each.
    static Tensor PerToken() => tensor(new float[] { 2, 0, 0, 1, 1, 1 }).reshape(2, 3);
    static Tensor Mask() => tensor(new float[] { 1, 0, 0, 1, 1, 1 }).reshape(2, 3);

    [Theory]
    [InlineData(GrpoLossType.Grpo, 1.5)]    // (2/1 + 3/3) / 2 rows: each sequence weighs the same
    [InlineData(GrpoLossType.Bnpo, 1.25)]   // 5 / 4 tokens
    [InlineData(GrpoLossType.Dapo, 1.25)]   // 5 / 4 tokens of the generation batch
    [InlineData(GrpoLossType.DrGrpo, 0.625)] // 5 / (2 rows × max_completion_length 4)
    public void Whole_batch_normalisation_matches_the_hand_value(GrpoLossType lossType, double expected)
    {
        using var scope = NewDisposeScope();
        var loss = GrpoLoss.Aggregate(PerToken(), Mask(), lossType, maxCompletionLength: 4, batchTokens: 4, accumulation: 1);

        Assert.Equal(expected, loss.item<float>(), 5);
    }

    [Fact]
    public void Dapo_weighs_every_token_of_the_generation_batch_the_same_however_it_is_split_into_micro_batches()
    {
        using var scope = NewDisposeScope();
        double Split(GrpoLossType type) => Enumerable.Range(0, 2).Sum(row =>
            GrpoLoss.Aggregate(PerToken().narrow(0, row, 1), Mask().narrow(0, row, 1), type, 4, batchTokens: 4, accumulation: 2).item<float>());

        // One row per micro-batch: dapo still divides by the batch's 4 tokens, bnpo by each micro-batch's own.
        Assert.Equal(1.25, Split(GrpoLossType.Dapo), 5);
        Assert.Equal((2.0 / 1 + 3.0 / 3) / 2, Split(GrpoLossType.Bnpo), 5);
        Assert.Equal(1.5, Split(GrpoLossType.Grpo), 5);
    }

    [Fact]
    public void Clip_higher_lets_a_positive_advantage_raise_the_ratio_past_one_plus_epsilon_up_to_epsilon_high()
    {
        using var scope = NewDisposeScope();
        // Ratios 1.25 and 1.3 with advantage +1, 0.7 with advantage −1; epsilon 0.2, epsilon_high 0.28.
        var logProbs = tensor(new float[] { MathF.Log(1.25f), MathF.Log(1.3f), MathF.Log(0.7f) }).reshape(3, 1).requires_grad_();
        var old = zeros(3, 1);
        var advantages = tensor(new float[] { 1, 1, -1 });
        var config = new GrpoConfig { Epsilon = 0.2, EpsilonHigh = 0.28, LossType = GrpoLossType.Grpo };

        var terms = GrpoLoss.Compute(logProbs, old, null, advantages, ones(3, 1), config, batchTokens: 3, accumulation: 1);
        terms.Loss.backward();

        // Loss = mean of −1.25, −1.28 (clipped), 0.8 (clipped at 1 − 0.2 for a negative advantage).
        Assert.Equal((-1.25 - 1.28 + 0.8) / 3, terms.Loss.item<float>(), 5);
        var gradient = logProbs.grad!.data<float>().ToArray();
        Assert.Equal(-1.25 / 3, gradient[0], 5); // inside [0.8, 1.28]: ∂(−ρA)/∂log π = −ρA, over 3 rows
        Assert.Equal(0, gradient[1]);            // above 1 + epsilon_high: no gradient
        Assert.Equal(0, gradient[2]);            // below 1 − epsilon with A < 0: no gradient
        Assert.Equal(1.0 / 3, terms.HighClipped.item<float>(), 5);
        Assert.Equal(1.0 / 3, terms.LowClipped.item<float>(), 5);
        Assert.Equal(2.0 / 3, terms.RegionClipped.item<float>(), 5);

        // With symmetric clipping (epsilon_high unset) the 1.25 ratio is clipped too.
        var symmetric = GrpoLoss.Compute(logProbs.detach(), old, null, advantages, ones(3, 1), config with { EpsilonHigh = null }, 3, 1);
        Assert.Equal(2.0 / 3, symmetric.HighClipped.item<float>(), 5);
    }

    [Fact]
    public void Beta_adds_the_k3_kl_to_the_reference_per_token()
    {
        using var scope = NewDisposeScope();
        var logProbs = tensor(new float[] { -1.0f, -2.0f }).reshape(1, 2);
        var reference = tensor(new float[] { -1.5f, -1.0f }).reshape(1, 2);
        var config = new GrpoConfig { Beta = 0.1, LossType = GrpoLossType.Bnpo };

        // Advantage 0, ratio 1: the loss is β × mean k3, k3 = e^(ref − π) − (ref − π) − 1.
        var terms = GrpoLoss.Compute(logProbs, null, reference, zeros(1), ones(1, 2), config, batchTokens: 2, accumulation: 1);

        double k3a = Math.Exp(-0.5) + 0.5 - 1, k3b = Math.Exp(1) - 1 - 1;
        Assert.Equal(0.1 * (k3a + k3b) / 2, terms.Loss.item<float>(), 5);
        Assert.Equal((k3a + k3b) / 2, terms.Kl!.item<float>(), 5);
    }
}
