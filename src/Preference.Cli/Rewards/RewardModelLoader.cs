using Preference.Cli.Serving;
using Preference.Models;
using Preference.Models.Heads;
using Preference.Training.Common;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Cli.Rewards;

/// <summary>
/// Loads a reward model export: a model directory (trunk weights and tokenizer, as any Hugging Face directory) with
/// <c>score.safetensors</c> (the scalar head: <c>score.weight</c> [1, hidden]) and <c>reward_statistics.json</c>.
/// </summary>
public static class RewardModelLoader
{
    public const string HeadFile = "score.safetensors";

    public static (ScoredLanguageModel Model, Models.Tokenization.ModelTokenizer Tokenizer, RewardNormalization Normalization) Load(
        string directory, torch.Device device)
    {
        if (!Directory.Exists(directory)) throw new CliException($"reward model '{directory}': no such directory");
        var headPath = Path.Combine(directory, HeadFile);
        if (!File.Exists(headPath)) throw new CliException($"reward model '{directory}': no {HeadFile} (the score head) in it");
        var bundle = ModelBundle.Load(directory, device);
        var model = new ScoredLanguageModel(bundle.Model);
        try
        {
            CheckpointStore.LoadModule(model.Head, headPath);
        }
        catch (InvalidDataException e)
        {
            model.Dispose();
            throw new CliException($"reward model '{directory}': {e.Message}");
        }
        var normalization = RewardNormalization.TryRead(directory) ?? RewardNormalization.Identity;
        return (model, bundle.Tokenizer, normalization);
    }
}
