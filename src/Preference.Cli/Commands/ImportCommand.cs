using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
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
            using var client = ApiConnection.Create(parse);
            await using var stream = path.OpenRead();
            using var content = new StreamContent(stream);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            var url = $"api/campaigns/{Uri.EscapeDataString(parse.GetValue(campaign)!)}/import" +
                      $"?format={parse.GetValue(format)}&source={Uri.EscapeDataString(path.Name)}";
            using var response = await client.PostAsync(url, content, cancellationToken);
            await ApiConnection.EnsureSuccessAsync(response, cancellationToken);
            using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            Console.WriteLine($"imported {result.RootElement.GetProperty("tasks").GetInt32()} tasks from {path.Name}");
        }));
        return command;
    }
}
