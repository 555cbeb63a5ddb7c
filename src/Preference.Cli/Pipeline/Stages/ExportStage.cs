namespace Preference.Cli.Pipeline.Stages;

/// <summary>Exports the campaign's rankings as TRL preference pairs (majority over annotators), as any user would.</summary>
public sealed class ExportStage : IPipelineStage
{
    public string Name => "export";

    public object Inputs(PipelineContext c) => new { aggregate = "majority", style = "standard" };

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        c.StageDirectory(Name);
        var response = await c.Server.Admin.GetAsync($"api/campaigns/{PipelineContext.CampaignId}/export?style=standard&aggregate=majority", cancellationToken);
        await Api.EnsureAsync(response, "export the campaign", cancellationToken);
        var temporary = c.PairsFile + ".tmp";
        await using (var file = File.Create(temporary)) await response.Content.CopyToAsync(file, cancellationToken);
        File.Move(temporary, c.PairsFile, overwrite: true);
        int pairs = File.ReadLines(c.PairsFile).Count(l => l.Length > 0);
        if (pairs == 0) throw new Serving.CliException("export: the campaign has no ranked pairs to train a reward model on");
        c.Log.WriteLine($"export: {pairs} pairs -> {c.PairsFile}");
        return true;
    }
}
