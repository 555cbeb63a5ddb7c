using TorchSharp;

namespace Preference.Models.Runtime;

/// <summary>Where models run: <c>auto</c> picks CUDA when TorchSharp finds a CUDA libtorch, else the CPU.</summary>
public static class DeviceOption
{
    public static readonly string[] Names = ["auto", "cpu", "cuda"];

    public static torch.Device Resolve(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        "cpu" => torch.CPU,
        "cuda" or "gpu" => torch.cuda.is_available()
            ? torch.CUDA
            : throw new ArgumentException("device 'cuda' was asked for, but this build's libtorch has no CUDA (build with -p:TorchBackend=cuda on a machine with the TorchSharp-cuda-linux package and a GPU)"),
        _ when name.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase) && torch.cuda.is_available() => new torch.Device(name),
        _ => throw new ArgumentException($"unknown device '{name}': use one of {string.Join(", ", Names)}"),
    };
}
