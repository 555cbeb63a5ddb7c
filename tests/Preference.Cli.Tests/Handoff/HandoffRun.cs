using System.Text.Json;
using Preference.Core.Datasets;
using Preference.Core.Domain;
using Preference.Models;
using Preference.Models.Loading;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using TorchSharp;

namespace Preference.Cli.Tests.Handoff;

/// <summary>
/// A run directory in the quickstart's layout, made of real saved models: the bundled policy as ppo/final (with PPO's
/// its critic in value_model/), a reward model on the bundled trunk as reward/final, ranked pairs in
/// export/pairs.jsonl and the PPO prompts in config.json. Built once for all hand-off tests.
/// </summary>
public sealed class HandoffRun : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("pref-handoff-").FullName;
    public string RunDirectory => Path.Combine(Root, "run");
    public static readonly string[] Prompts = ["Tom had a dog.", "Sue went to the park.", "Once upon a time, there was a frog."];

    public HandoffRun()
    {
        using var bundle = ModelBundle.Load(null, torch.CPU);
        HuggingFaceCheckpoint.Save(bundle.Model, bundle.Tokenizer, Path.Combine(RunDirectory, "ppo", "final"));
        Directory.CreateDirectory(Path.Combine(RunDirectory, "ppo", "final", "value_model"));
        File.WriteAllText(Path.Combine(RunDirectory, "ppo", "final", "value_model", "model.safetensors"), "critic weights stand-in");

        var work = Directory.CreateDirectory(Path.Combine(Root, "rm-work")).FullName;
        using var rewardModel = RewardModelFactory.Create(new RewardConfig { TrainFile = "synthetic", BaseModel = RewardModelFactory.Bundled, MaxLength = 64 },
            [], work, torch.CPU);
        RewardModelDirectory.Save(rewardModel, Path.Combine(RunDirectory, "reward", "final"), RewardModelFactory.Bundled);

        Directory.CreateDirectory(Path.Combine(RunDirectory, "export"));
        using (var pairs = File.Create(Path.Combine(RunDirectory, "export", "pairs.jsonl")))
            TrlPreferenceWriter.WriteAsync(pairs, Pairs(), TrlExportStyle.Standard).GetAwaiter().GetResult();
        File.WriteAllText(Path.Combine(RunDirectory, "stages.json"), "{}");
        File.WriteAllText(Path.Combine(RunDirectory, "config.json"), JsonSerializer.Serialize(new { ppo = new { Prompts } }));
    }

    static async IAsyncEnumerable<PreferencePair> Pairs()
    {
        for (int i = 0; i < 4; i++)
        {
            var prompt = new Prompt { Id = $"p{i % 2}", Text = Prompts[i % 2] };
            yield return new PreferencePair(prompt, new Completion { Id = $"c{i}", PromptId = prompt.Id, Text = $" The dog was happy {i}." },
                new Completion { Id = $"r{i}", PromptId = prompt.Id, Text = $" It rained {i}." }, 0.75, 4);
        }
        await Task.CompletedTask;
    }

    public string NewOutput() => Path.Combine(Root, "out-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
