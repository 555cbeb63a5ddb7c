using Preference.Models.Lora;

namespace Preference.Training.Estimation;

/// <summary>
/// Memory a training configuration needs, by part, so a user can check a GPU before starting. Activations follow
/// Korthikanti et al. 2022 (no recomputation): per layer s·b·h·(34 + 5·a·s/h) bytes at 16-bit, scaled to the
/// training dtype, plus the logits and their gradient. Optimizer state is AdamW's two fp32 moments per trained weight.
/// </summary>
public sealed record MemoryEstimate(long Weights, long Gradients, long OptimizerState, long Activations, long TrainableParameters)
{
    public long Total => Weights + Gradients + OptimizerState + Activations;

    public static MemoryEstimate For(ModelSizing model, int batchSize, int sequenceLength, LoraConfig? lora, int frozenLayers = 0,
        int? bytesPerParameter = null)
    {
        int bytes = bytesPerParameter ?? model.BytesPerParameter;
        long trainable = lora is not null
            ? model.LoraParameters(lora)
            : model.Parameters - model.LayerParameters / Math.Max(1, model.Layers) * Math.Min(frozenLayers, model.Layers);
        long weights = (model.Parameters + (lora is null ? 0 : trainable)) * bytes;
        long gradients = trainable * bytes;
        long optimizer = trainable * 2 * sizeof(float);
        double s = sequenceLength, b = batchSize, h = model.Hidden, a = model.Heads;
        double perLayer = s * b * h * (34 + 5 * a * s / h) * bytes / 2.0;
        double logits = 2.0 * b * s * model.Vocab * sizeof(float);
        return new MemoryEstimate(weights, gradients, optimizer, (long)(perLayer * model.Layers + logits), trainable);
    }
}
