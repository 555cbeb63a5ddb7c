using Preference.Models.Heads;
using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Heads;

public class ScoredLanguageModelTests
{
    [Fact]
    public void Score_reads_the_last_real_token_whichever_side_is_padded()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        var scored = new ScoredLanguageModel(Llama2cCheckpoint.Load(Stories260K.Model));
        scored.eval();
        using var noGrad = no_grad();
        var tokens = tensor(new long[] { 1, 403, 407, 261, 378 }).unsqueeze(0);
        var alone = scored.Score(tokens, ones_like(tokens));

        var rightPadded = cat([tokens, zeros([1, 3], ScalarType.Int64)], 1);
        var rightMask = cat([ones_like(tokens), zeros([1, 3], ScalarType.Int64)], 1);
        var leftPadded = cat([zeros([1, 3], ScalarType.Int64), tokens], 1);
        var leftMask = cat([zeros([1, 3], ScalarType.Int64), ones_like(tokens)], 1);

        Assert.Equal(alone.item<float>(), scored.Score(rightPadded, rightMask).item<float>(), 1e-5f);
        Assert.Equal(alone.item<float>(), scored.Score(leftPadded, leftMask).item<float>(), 1e-5f);
    }

    [Fact]
    public void AtLastToken_picks_the_value_at_each_rows_final_one_in_the_mask()
    {
        using var scope = NewDisposeScope();
        var values = tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }).view(2, 4);
        var mask = tensor(new long[] { 1, 1, 0, 0, 0, 1, 1, 1 }).view(2, 4);
        Assert.Equal(new float[] { 2, 8 }, ScalarHead.AtLastToken(values, mask).data<float>().ToArray());
    }
}
