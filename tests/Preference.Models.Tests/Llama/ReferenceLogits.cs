using static TorchSharp.torch;

namespace Preference.Models.Tests.Llama;

/// <summary>llama2.c's logits for BOS and the first three greedy tokens of stories260K, checked within 1e-4.</summary>
public static class ReferenceLogits
{
    public static void AssertMatch(CausalLanguageModel model)
    {
        model.eval();
        var inputs = new long[] { 1 }.Concat(Stories260K.ReferenceGreedyTokens.Take(3).Select(t => (long)t)).ToArray();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.Forward(tensor(inputs).unsqueeze(0))[0];
        for (int position = 0; position < Stories260K.ReferenceLogits.Length; position++)
        {
            var ours = logits[position].data<float>().ToArray();
            var maxError = ours.Zip(Stories260K.ReferenceLogits[position], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxError < 1e-4, $"position {position}: max |error| {maxError}");
        }
    }
}
