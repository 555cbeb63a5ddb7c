using System.CommandLine;
using Preference.Cli.Serving;
using Preference.Core.Datasets;

namespace Preference.Cli.Commands;

/// <summary>`pref import FILE --campaign ID`: uploads a dataset file to a running server, all or nothing.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "JSONL (or JSON array) of prompts and completions" };
        var campaign = new Option<string>("--campaign") { Description = "Campaign id to import into", Required = true };
        var format = new Option<DatasetFormat>("--format")
        {
            Description = "auto, promptCompletions, trlStandard, trlConversational, messages or qaFeedback",
            DefaultValueFactory = _ => DatasetFormat.Auto,
        };
        var command = new Command("import", "Import prompts and completions into a campaign")
        {
            file, campaign, format, ApiConnection.ServerOption, ApiConnection.TokenOption,
        };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) throw new CliException($"file: '{path.FullName}' does not exist");
            var client = ApiConnection.Create(parse);
            using var http = client.Http;
            await using var stream = path.OpenRead();
            var result = await client.ImportAsync(parse.GetValue(campaign)!, stream, parse.GetValue(format), path.Name, cancellationToken);
            Console.WriteLine($"imported {result.Tasks} tasks from {path.Name}");
        }));
        return command;
    }
}
