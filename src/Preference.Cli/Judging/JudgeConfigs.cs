using Preference.Cli.Serving;
using Preference.Judges.Configuration;

namespace Preference.Cli.Judging;

/// <summary>Loads a judge configuration, turning its validation errors into one CLI error line.</summary>
public static class JudgeConfigs
{
    public static async Task<JudgeConfig> LoadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        try
        {
            return await JudgeConfigLoader.LoadAsync(file.FullName, cancellationToken);
        }
        catch (JudgeConfigException e)
        {
            throw new CliException("--judge: " + e.Message);
        }
    }
}
