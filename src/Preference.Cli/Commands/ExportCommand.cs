using System.CommandLine;
using System.Globalization;
using Preference.Cli.Handoff;
using Preference.Cli.Serving;
using Preference.Core.Datasets;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref export --campaign ID -o FILE`: preference pairs from a running server, as TRL JSONL or in another engine's
/// format (`--format openrlhf|kto|verl`); `--run DIR` or `--pairs FILE` take the pairs from a quickstart run
/// directory or a pairs file instead. Formats: src/Preference.Core/Datasets/Engines/.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var campaign = new Option<string?>("--campaign") { Description = "Campaign id to export from the server" };
        var run = new Option<DirectoryInfo?>("--run") { Description = "A quickstart run directory: its export/pairs.jsonl" };
        var pairsFile = new Option<FileInfo?>("--pairs") { Description = "A TRL preference JSONL file (prompt/chosen/rejected)" };
        var output = new Option<FileInfo>("--output", "-o") { Description = "File to write (.jsonl; .parquet for verl)", Required = true };
        var format = new Option<string>("--format") { Description = "trl, openrlhf (pairs + margin), kto (unpaired) or verl (Parquet prompts)", DefaultValueFactory = _ => "trl" };
        format.AcceptOnlyFromAmong(EngineFormats.Names);
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
        var margin = new Option<bool>("--margin") { Description = "trl: add OpenRLHF's margin column (2 x agreement - 1); openrlhf always has it" };
        var prompts = new Option<string?>("--prompts") { Description = "verl: prompts file (.txt, .jsonl with reference, .yaml); default: the pairs' distinct prompts" };
        var dataSource = new Option<string>("--data-source") { Description = "verl: the data_source column", DefaultValueFactory = _ => "preference" };
        var ability = new Option<string>("--ability") { Description = "verl: the ability column", DefaultValueFactory = _ => "preference" };
        var rewardStyle = new Option<string>("--reward-style") { Description = "verl: reward_model.style, model or rule", DefaultValueFactory = _ => "model" };
        rewardStyle.AcceptOnlyFromAmong("model", "rule");
        var weighting = new Option<string>("--weighting")
        {
            Description = "How annotators count (--campaign): none (equally) or quality (by agreement with gold, else with their peers)",
            DefaultValueFactory = _ => "none",
        };
        weighting.AcceptOnlyFromAmong("none", "quality");
        var command = new Command("export", "Export preference pairs (TRL, OpenRLHF, KTO) or prompts (verl Parquet)")
        {
            campaign, run, pairsFile, output, format, style, aggregate, minAgreement, weighting, margin, prompts, dataSource, ability, rewardStyle,
            ApiConnection.ServerOption, ApiConnection.TokenOption,
        };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            var min = parse.GetValue(minAgreement);
            if (min is < 0 or > 1) throw new CliException("--min-agreement: must be within 0..1");
            var sources = new[] { parse.GetValue(campaign) is not null, parse.GetValue(run) is not null, parse.GetValue(pairsFile) is not null }.Count(s => s);
            var engine = EngineFormats.Parse(parse.GetValue(format)!);
            if (sources > 1) throw new CliException("--campaign, --run, --pairs: give one source of pairs");
            if (sources == 0 && !(engine == EngineFormat.Verl && parse.GetValue(prompts) is not null))
                throw new CliException("--campaign: required (or --run DIR, or --pairs FILE)");
            var path = parse.GetValue(output)!.FullName;
            var trlStyle = parse.GetValue(style) == "conversational" ? TrlExportStyle.Conversational : TrlExportStyle.Standard;

            string? pairsPath = parse.GetValue(pairsFile)?.FullName;
            if (parse.GetValue(run) is { } runDirectory)
            {
                pairsPath = Path.Combine(runDirectory.FullName, "export", "pairs.jsonl");
                if (!File.Exists(pairsPath)) throw new CliException($"--run: {runDirectory.FullName} has no export/pairs.jsonl (a quickstart run writes it in its export stage)");
            }
            string? download = null;
            if (parse.GetValue(campaign) is { } id)
            {
                download = await DownloadAsync(parse, id, trlStyle, min, path + ".download", cancellationToken);
                if (engine == EngineFormat.Trl && !parse.GetValue(margin))
                {
                    // The server's TRL export is already the file asked for.
                    File.Move(download, path, overwrite: true);
                    Console.WriteLine($"wrote {File.ReadLines(path).Count()} pairs to {path}");
                    return;
                }
                pairsPath = download;
            }
            try
            {
                if (engine == EngineFormat.Verl)
                {
                    var rows = await EngineExport.PromptsAsync(parse.GetValue(prompts), pairsPath is null ? null : () => EngineExport.ReadPairsAsync(pairsPath, cancellationToken), "--prompts", cancellationToken);
                    await EngineExport.WriteVerlAsync(rows, path, new VerlOptions(parse.GetValue(dataSource)!, parse.GetValue(ability)!, parse.GetValue(rewardStyle)!), cancellationToken);
                    Console.WriteLine($"wrote {rows.Count} verl prompt rows to {path}");
                    return;
                }
                int written = await EngineExport.WritePairsAsync(engine, EngineExport.ReadPairsAsync(pairsPath!, cancellationToken), path, trlStyle, parse.GetValue(margin), cancellationToken);
                Console.WriteLine($"wrote {written} {(engine == EngineFormat.Kto ? "unpaired rows" : "pairs")} to {path}");
            }
            finally
            {
                if (download is not null) File.Delete(download);
            }
        }));
        return command;
    }

    /// <summary>The campaign's pairs from the server's TRL export, into a file beside the output (renamed or deleted after).</summary>
    static async Task<string> DownloadAsync(ParseResult parse, string campaign, TrlExportStyle style, double minAgreement, string partial,
        CancellationToken cancellationToken)
    {
        var client = ApiConnection.Create(parse);
        using var http = client.Http;
        var method = parse.GetValue<string>("--aggregate") == "bradley-terry" ? "bradleyTerry" : "majority";
        var weighting = parse.GetValue<string>("--weighting") ?? "none";
        try
        {
            // Written beside the target: a refused or interrupted export never leaves a truncated file behind.
            await using (var file = File.Create(partial))
                await client.ExportAsync(campaign, style == TrlExportStyle.Conversational ? "conversational" : "standard", method, minAgreement, file, cancellationToken, weighting);
            return partial;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }
}
