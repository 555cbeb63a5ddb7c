using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Llama;

public class Stories260KReferenceTests
{
    [Fact]
    public void Logits_at_the_first_four_positions_match_llama2c_within_1e4()
    {
        using var model = Llama2cCheckpoint.Load(SharedData.Stories260K);
        model.eval();
        var inputs = new long[] { 1 }.Concat(SharedData.ReferenceGreedyTokens.Take(3).Select(t => (long)t)).ToArray();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.Forward(tensor(inputs).unsqueeze(0))[0];

        var reference = SharedData.ReferenceLogits;
        for (int position = 0; position < reference.Length; position++)
        {
            var ours = logits[position].data<float>().ToArray();
            var maxError = ours.Zip(reference[position], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxError < 1e-4, $"position {position}: max |error| {maxError}");
        }
    }
}
