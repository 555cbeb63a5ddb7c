using System.Text.Json;
using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Training.Common;

/// <summary>
/// Checkpoints of a run under <c>checkpoints/step-NNNNNNNN/</c>: each module's state as safetensors, each optimizer's
/// state, the torch RNG state and <see cref="TrainerState"/>. A checkpoint is written to a temporary folder and renamed
/// into place, so a kill mid-save leaves the previous checkpoint intact. Keeps the last few and the best.
/// With a <paramref name="runId"/>, the store sees only that run's checkpoints: it neither prunes nor resumes from
/// checkpoints another run left in the same folder.
/// </summary>
public sealed class CheckpointStore(string directory, int keepLast = 2, string? runId = null)
{
    const string StateFile = "trainer_state.json";
    const string RngFile = "rng_state.bin";
    const string Prefix = "step-";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Directory { get; } = directory;

    public string Save(TrainerState state, IReadOnlyDictionary<string, nn.Module> modules,
        IReadOnlyDictionary<string, Optimization> optimizers)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (runId is not null) state = state with { RunId = runId };
        var final = Path.Combine(Directory, $"{Prefix}{state.Step:D8}");
        var temporary = final + ".partial";
        if (System.IO.Directory.Exists(temporary)) System.IO.Directory.Delete(temporary, recursive: true);
        System.IO.Directory.CreateDirectory(temporary);

        foreach (var (role, module) in modules)
        {
            using var scope = NewDisposeScope();
            var tensors = module.state_dict().Select(kv => KeyValuePair.Create(kv.Key, kv.Value.detach().cpu().contiguous())).ToList();
            SafetensorsWriter.Write(Path.Combine(temporary, $"{role}.safetensors"), tensors);
        }
        foreach (var (role, optimization) in optimizers)
            optimization.Save(Path.Combine(temporary, $"optimizer-{role}.bin"));
        using (var rng = torch.get_rng_state())
            File.WriteAllBytes(Path.Combine(temporary, RngFile), rng.data<byte>().ToArray());
        File.WriteAllText(Path.Combine(temporary, StateFile), JsonSerializer.Serialize(state, Json));

        if (System.IO.Directory.Exists(final)) System.IO.Directory.Delete(final, recursive: true);
        System.IO.Directory.Move(temporary, final);
        Prune(state.BestStep);
        return final;
    }

    /// <summary>The newest complete checkpoint, or null when the run has none.</summary>
    public string? Latest() => Complete().LastOrDefault();

    /// <summary>The checkpoint of a given step, if kept.</summary>
    public string? AtStep(long step) => Complete().FirstOrDefault(p => StepOf(p) == step);

    public static TrainerState ReadState(string checkpoint) =>
        JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(checkpoint, StateFile)))
        ?? throw new InvalidDataException($"{checkpoint}: empty {StateFile}");

    /// <summary>Loads modules, optimizers and the RNG from a checkpoint; returns its trainer state.</summary>
    public static TrainerState Restore(string checkpoint, IReadOnlyDictionary<string, nn.Module> modules,
        IReadOnlyDictionary<string, Optimization> optimizers)
    {
        foreach (var (role, module) in modules)
            LoadModule(module, Path.Combine(checkpoint, $"{role}.safetensors"));
        foreach (var (role, optimization) in optimizers)
            optimization.Load(Path.Combine(checkpoint, $"optimizer-{role}.bin"));
        var rng = File.ReadAllBytes(Path.Combine(checkpoint, RngFile));
        using (var state = tensor(rng, dtype: ScalarType.Byte)) torch.set_rng_state(state);
        return ReadState(checkpoint);
    }

    /// <summary>Copies a module's saved state (parameters and persistent buffers) back into it.</summary>
    public static void LoadModule(nn.Module module, string path)
    {
        using var file = SafetensorsFile.Open(path);
        using var noGrad = no_grad();
        foreach (var (name, target) in module.state_dict())
        {
            if (!file.Contains(name)) throw new InvalidDataException($"{path}: tensor '{name}' is missing");
            using var saved = file.Read(name, target.dtype);
            if (!saved.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{path}: tensor '{name}' has shape [{string.Join(", ", saved.shape)}], expected [{string.Join(", ", target.shape)}]");
            target.copy_(saved);
        }
    }

    IEnumerable<string> Complete() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateDirectories(Directory, Prefix + "*")
                .Where(p => !p.EndsWith(".partial", StringComparison.Ordinal) && File.Exists(Path.Combine(p, StateFile)))
                .Where(p => runId is null || ReadState(p).RunId == runId)
                .OrderBy(StepOf)
            : [];

    static long StepOf(string path) => long.Parse(Path.GetFileName(path)[Prefix.Length..]);

    void Prune(long? bestStep)
    {
        var all = Complete().ToList();
        foreach (var old in all.Take(Math.Max(0, all.Count - keepLast)))
            if (StepOf(old) != bestStep) System.IO.Directory.Delete(old, recursive: true);
    }
}
