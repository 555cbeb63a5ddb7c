using System.CommandLine;
using Preference.Cli.Serving;

namespace Preference.Cli.Commands;

/// <summary>`pref export --campaign ID -o FILE`: TRL preference JSONL from a running server.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var campaign = new Option<string>("--campaign") { Description = "Campaign id to export", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "JSONL file to write", Required = true };
        var style = new Option<string>("--style") { Description = "standard or conversational", DefaultValueFactory = _ => "standard" };
        style.AcceptOnlyFromAmong("standard", "conversational");
        var aggregate = new Option<string>("--aggregate")
        {
            Description = "How rankings of several annotators combine: majority or bradley-terry",
            DefaultValueFactory = _ => "majority",
        };
        aggregate.AcceptOnlyFromAmong("majority", "bradley-terry");
        var minAgreement = new Option<double>("--min-agreement")
        {
            Description = "Keep only pairs at least this fraction of annotators agreed on (0..1)",
            DefaultValueFactory = _ => 0,
        };
        var weighting = new Option<string>("--weighting")
        {
            Description = "How annotators count: none (equally) or quality (by agreement with gold, else with their peers)",
            DefaultValueFactory = _ => "none",
        };
        weighting.AcceptOnlyFromAmong("none", "quality");
        var command = new Command("export", "Export preference pairs as TRL JSONL")
        {
            campaign, output, style, aggregate, minAgreement, weighting, ApiConnection.ServerOption, ApiConnection.TokenOption,
        };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var min = parse.GetValue(minAgreement);
            if (min is < 0 or > 1) throw new CliException("--min-agreement: must be within 0..1");
            using var client = ApiConnection.Create(parse);
            var method = parse.GetValue(aggregate) == "bradley-terry" ? "bradleyTerry" : "majority";
            var url = $"api/campaigns/{Uri.EscapeDataString(parse.GetValue(campaign)!)}/export" +
                      $"?style={parse.GetValue(style)}&aggregate={method}&minAgreement={min.ToString(System.Globalization.CultureInfo.InvariantCulture)}" +
                      $"&weighting={parse.GetValue(weighting)}";
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await ApiConnection.EnsureSuccessAsync(response, cancellationToken);
            var path = parse.GetValue(output)!;
            // Write beside the target and rename, so an interrupted export never leaves a truncated file behind.
            var partial = path.FullName + ".partial";
            await using (var file = File.Create(partial))
                await response.Content.CopyToAsync(file, cancellationToken);
            File.Move(partial, path.FullName, overwrite: true);
            var lines = File.ReadLines(path.FullName).Count();
            Console.WriteLine($"wrote {lines} pairs to {path.FullName}");
        }));
        return command;
    }
}
