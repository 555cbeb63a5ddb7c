using Preference.Cli.Serving;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using TorchSharp;

namespace Preference.Cli.Rewards;

/// <summary>
/// Loads what `pref rm train` exports (a sequence-classification directory with its tokenizer and reward_model.json)
/// or a *ForSequenceClassification directory trained elsewhere (TRL, OpenRLHF), turning an unreadable directory into
/// one CLI error line.
/// </summary>
public static class RewardModelLoader
{
    public static RewardModel Load(string directory, torch.Device device)
    {
        if (!Directory.Exists(directory)) throw new CliException($"reward model '{directory}': no such directory");
        try
        {
            return RewardModelDirectory.Load(directory, device);
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"reward model '{directory}': {e.Message}");
        }
    }
}
