using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Preference.Training.Common;

/// <summary>
/// One AdamW over the trainable parameters with the schedule applied per step, gradient accumulation and clipping:
/// the part of every trainer's loop that is the same.
/// </summary>
public sealed class Optimization : IDisposable
{
    readonly OptimizerConfig _config;
    readonly IReadOnlyList<Parameter> _parameters;
    readonly LearningRateSchedule _schedule;

    public Optimization(IEnumerable<Parameter> trainable, OptimizerConfig config, long totalSteps)
    {
        _config = config;
        _parameters = trainable.Where(p => p.requires_grad).ToList();
        if (_parameters.Count == 0) throw new ArgumentException("no trainable parameters: everything is frozen");
        Optimizer = optim.AdamW(_parameters, config.LearningRate, config.Beta1, config.Beta2, config.Epsilon, config.WeightDecay);
        _schedule = new LearningRateSchedule(config, totalSteps);
    }

    public OptimizerHelper Optimizer { get; }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    public double CurrentLearningRate { get; private set; }

    /// <summary>Clips, sets this step's learning rate, steps and clears gradients; returns the gradient norm before clipping.</summary>
    public double Step(long optimizerStep)
    {
        double norm = _config.MaxGradNorm > 0
            ? nn.utils.clip_grad_norm_(_parameters, _config.MaxGradNorm)
            : GradientNorm();
        CurrentLearningRate = _schedule.At(optimizerStep);
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = CurrentLearningRate;
        Optimizer.step();
        Optimizer.zero_grad();
        return norm;
    }

    double GradientNorm()
    {
        using var scope = NewDisposeScope();
        var squares = _parameters.Where(p => p.grad is not null).Select(p => p.grad!.square().sum()).ToList();
        return squares.Count == 0 ? 0 : stack(squares).sum().sqrt().item<float>();
    }

    public void Save(string path) => Optimizer.save_state_dict(path);

    public void Load(string path) => Optimizer.load_state_dict(path);

    public void Dispose() => Optimizer.Dispose();
}
