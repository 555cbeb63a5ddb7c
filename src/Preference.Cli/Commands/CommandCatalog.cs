using System.CommandLine;

namespace Preference.Cli.Commands;

/// <summary>Every top-level `pref` command; each lives in its own file under Commands/.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        ServeCommand.Create(),
        ImportCommand.Create(),
        ExportCommand.Create(),
        GenerateCommand.Create(),
        JudgeCommand.Create(),
        SftCommand.Create(),
        DpoCommand.Create(),
        DpoCommand.CreateKto(),
        EstimateCommand.Create(),
        RmCommand.Create(),
        PpoCommand.Create(),
        GrpoCommand.Create(),
        EvalCommand.Create(),
        QuickstartCommand.Create(),
        RunsCommand.Create(),
        ServeRewardCommand.Create(),
        HandoffCommand.Create(),
        CampaignCommand.Create(),
    ];
}
