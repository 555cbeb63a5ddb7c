namespace Preference.Training.Tests.Sft;

/// <summary>
/// Trainer runs seed and draw from torch's process-wide RNG; run them alone, after the parallel tests, so neither they
/// nor other tests (checkpoint RNG round trips) see each other's draws.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomStateCollection
{
    public const string Name = "torch global RNG";
}
