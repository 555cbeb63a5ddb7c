using System.Text.Json;
using Preference.Training.Reward.Data;
using Preference.Training.Reward.Export;
using Preference.Training.Reward.Modeling;
using Preference.Training.Reward.Training;
using TorchSharp;

namespace Preference.Cli.Tests.Reward;

/// <summary>
/// `pref rm eval` and `pref rm score` hand each record's <c>reference</c> to a reference-guided reward model. The model
/// here is the warm start of a tiny one (its feature head is the logistic fit), on pairs only the reference decides.
/// </summary>
public sealed class RmReferenceTests : IDisposable
{
    static readonly string[] First = ["river", "castle", "king", "bridge", "harbour", "tower"];
    static readonly string[] Second = ["zebra", "quartz", "violin", "comet", "lemon", "glacier"];

    readonly string directory = Directory.CreateTempSubdirectory("rm-cli-").FullName;

    static List<RewardPair> Pairs(int count, int seed)
    {
        var random = new Random(seed);
        string Sentence(string[] pool) => string.Join(" ", Enumerable.Range(0, 5).Select(_ => pool[random.Next(pool.Length)])) + ".";
        return Enumerable.Range(0, count).Select(i =>
        {
            var (right, wrong) = random.Next(2) == 0 ? (First, Second) : (Second, First);
            return new RewardPair($"q{i}", $"Tell me about item {i}.", Sentence(right), Sentence(wrong), Reference: Sentence(right) + " " + Sentence(right));
        }).ToList();
    }

    string SaveModel()
    {
        var config = new RewardConfig
        {
            TrainFile = "synthetic", BaseModel = "scratch", Features = RewardFeatures.GroundingReference, MaxLength = 48,
            Scratch = new ScratchModel { VocabSize = 300, HiddenSize = 16, Layers = 1, Heads = 2, IntermediateSize = 32 },
        };
        var tokenizer = Path.Combine(directory, "tokenizer");
        using var model = RewardModelFactory.Create(config, Pairs(48, seed: 1), tokenizer, torch.CPU);
        var path = Path.Combine(directory, "model");
        RewardModelDirectory.Save(model, path, "scratch");
        return path;
    }

    string Write(string name, IEnumerable<object> lines)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllLines(path, lines.Select(l => JsonSerializer.Serialize(l)));
        return path;
    }

    [Fact]
    public async Task Rm_eval_reads_the_reference_field_of_trl_pairs()
    {
        var model = SaveModel();
        var data = Write("pairs.jsonl", Pairs(30, seed: 2).Select(p => new { prompt = p.Prompt, chosen = p.Chosen, rejected = p.Rejected, reference = p.Reference }));

        var result = await PrefProcess.RunAsync("rm", "eval", "--model", model, "--data", data, "--threads", "1");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("accuracy 1.000", result.Stdout);
    }

    [Fact]
    public async Task Rm_score_reads_a_reference_per_line_and_the_agreeing_answer_scores_higher()
    {
        var model = SaveModel();
        var pair = Pairs(1, seed: 3)[0];
        var input = Write("score.jsonl", [
            new { prompt = pair.Prompt, completion = pair.Chosen, reference = pair.Reference },
            new { prompt = pair.Prompt, completion = pair.Rejected, reference = pair.Reference },
        ]);

        var result = await PrefProcess.RunAsync("rm", "score", "--model", model, "--input", input, "--output", "-", "--threads", "1");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var scores = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(2, scores.Count);
        Assert.True(scores[0] > scores[1], $"agreeing {scores[0]}, disagreeing {scores[1]}");
    }

    [Fact]
    public async Task Rm_score_rejects_a_reference_that_is_not_a_string_naming_line_and_field()
    {
        var model = SaveModel();
        var input = Write("bad.jsonl", [
            new { prompt = "p", completion = "a", reference = "fine" },
            (object)new { prompt = "p", completion = "a", reference = 42 },
        ]);

        var result = await PrefProcess.RunAsync("rm", "score", "--model", model, "--input", input, "--output", Path.Combine(directory, "out.jsonl"), "--threads", "1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("input line 2: reference: must be a string", result.Stderr);
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, true); } catch (IOException) { }
    }
}
