using Preference.Models;

namespace Preference.Training.Estimation;

/// <summary>
/// Training FLOPs per token as nanoGPT's estimate_mfu counts them (PaLM appendix B): 6 per parameter (forward 2,
/// backward 4) plus the attention scores, 12 · layers · hidden · sequence. With every base weight frozen (LoRA) the
/// backward pass skips their weight gradients, leaving 4 per base parameter.
/// </summary>
public static class ModelFlops
{
    public static double TrainingPerToken(CausalLanguageModel model, int sequenceLength)
    {
        long all = model.ParameterCount(), trainable = model.ParameterCount(trainableOnly: true);
        var shape = model.Shape;
        double attention = 12.0 * shape.Layers * shape.HiddenSize * sequenceLength;
        return 4.0 * all + 2.0 * trainable + attention;
    }
}
