using System.Text.Json;
using Preference.Models;
using Preference.Models.Generation;

namespace Preference.Cli.Pipeline.Stages;

/// <summary>The bundled SFT policy writes k candidates per prompt, as one promptCompletions JSONL the server imports.</summary>
public sealed class GenerateStage : IPipelineStage
{
    public string Name => "generate";

    public object Inputs(PipelineContext c) => new
    {
        policy = "bundled:stories260K",
        c.Settings.Prompts, c.Settings.TasksPerPrompt, c.Settings.CandidatesPerPrompt, c.Settings.MaxNewTokens, c.Settings.Temperature, c.Settings.StopTokenId, c.Settings.Seed,
    };

    public async Task<bool> RunAsync(PipelineContext c, bool resume, CancellationToken cancellationToken)
    {
        c.StageDirectory(Name);
        using var bundle = ModelBundle.Load(null, c.Device, cancellationToken: cancellationToken);
        var k = c.Settings.CandidatesPerPrompt;
        var tasks = c.Settings.Prompts.SelectMany(p => Enumerable.Repeat(p, c.Settings.TasksPerPrompt)).ToList();
        var repeated = tasks.SelectMany(p => Enumerable.Repeat(p, k)).ToList();
        var completions = new TextGenerator(bundle.Model, bundle.Tokenizer).Generate(repeated, new GenerationOptions
        {
            MaxNewTokens = c.Settings.MaxNewTokens,
            Temperature = c.Settings.Temperature,
            Seed = c.Settings.Seed,
            EosTokenId = c.Settings.StopTokenId,
        }, cancellationToken: cancellationToken);

        var temporary = c.CandidatesFile + ".tmp";
        await using (var writer = new StreamWriter(temporary))
        {
            for (int i = 0; i < tasks.Count; i++)
            {
                // The leading space stays: a completion is the text that follows its prompt, so prompt + text reads right.
                var texts = completions.Skip(i * k).Take(k).Select(x => new { text = x.Text.TrimEnd(), model = "stories260K" });
                await writer.WriteLineAsync(JsonSerializer.Serialize(new { prompt = tasks[i], completions = texts }));
            }
        }
        File.Move(temporary, c.CandidatesFile, overwrite: true);
        c.Log.WriteLine($"generate: {completions.Count} candidates in {tasks.Count} tasks for {c.Settings.Prompts.Count} prompts -> {c.CandidatesFile}");
        return true;
    }
}
