using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Preference.Cli.Serving;

namespace Preference.Cli.Pipeline.Stages;

/// <summary>Creates the quickstart campaign on the server and imports the candidates as its tasks.</summary>
public sealed class CampaignStage : IPipelineStage
{
    public string Name => "campaign";

    public object Inputs(PipelineContext c) => new { candidates = StageLedger.FileHash(c.CandidatesFile), responses = c.Settings.CandidatesPerPrompt };

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        var http = c.Server.Admin;
        var existing = await http.GetAsync($"api/campaigns/{PipelineContext.CampaignId}", cancellationToken);
        int tasks = 0;
        if (existing.StatusCode == HttpStatusCode.NotFound)
        {
            var created = await http.PostAsJsonAsync("api/campaigns", new
            {
                name = "Quickstart: which story is best?",
                id = PipelineContext.CampaignId,
                guidelines = "Rank the stories from best to worst. The quickstart's rule judge prefers stories in which a dog appears and someone is happy.",
                responsesPerTask = c.Settings.CandidatesPerPrompt,
                overlap = 1,
            }, cancellationToken);
            await Api.EnsureAsync(created, "create the campaign", cancellationToken);
        }
        else
        {
            await Api.EnsureAsync(existing, "read the campaign", cancellationToken);
            using var body = JsonDocument.Parse(await existing.Content.ReadAsStringAsync(cancellationToken));
            tasks = body.RootElement.GetProperty("tasks").GetInt32();
        }
        // An import is all-or-nothing, so a campaign with tasks already holds this import (an earlier run stopped after it).
        if (tasks == 0)
        {
            using var content = new StreamContent(File.OpenRead(c.CandidatesFile));
            var imported = await http.PostAsync($"api/campaigns/{PipelineContext.CampaignId}/import?format=promptCompletions&source=quickstart", content, cancellationToken);
            await Api.EnsureAsync(imported, "import the candidates", cancellationToken);
            using var body = JsonDocument.Parse(await imported.Content.ReadAsStringAsync(cancellationToken));
            tasks = body.RootElement.GetProperty("tasks").GetInt32();
        }
        c.Log.WriteLine($"campaign: '{PipelineContext.CampaignId}' with {tasks} tasks at {c.Server.Address}");
        return true;
    }
}
