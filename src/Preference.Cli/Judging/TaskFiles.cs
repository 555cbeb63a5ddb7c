using Preference.Cli.Serving;
using Preference.Core.Judging;
using Preference.Judges.Configuration;

namespace Preference.Cli.Judging;

public static class TaskFiles
{
    public static async Task<IReadOnlyList<JudgeTask>> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        try
        {
            return await TaskFile.ReadAsync(file.FullName, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            throw new CliException("--tasks: " + e.Message);
        }
    }
}
