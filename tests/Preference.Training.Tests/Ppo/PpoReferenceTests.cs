using Preference.Core.Rewards;
using Preference.Training.Ppo;
using Preference.Training.Rewards;
using TorchSharp;

namespace Preference.Training.Tests.Ppo;

public class PpoReferenceTests
{
    [Fact]
    public void A_jsonl_prompts_file_gives_each_prompt_its_reference_and_none_to_the_others()
    {
        var path = Path.Combine(Path.GetTempPath(), $"prompts-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, ["{\"prompt\": \"a\", \"reference\": \"the answer to a\"}", "{\"prompt\": \"b\"}", "{\"prompt\": \"c\", \"reference\": null}"]);
        try
        {
            Assert.Equal(["a", "b", "c"], PromptFile.Read(path));
            var references = PromptFile.ReadReferences(path);
            Assert.Equal("the answer to a", Assert.Single(references, r => r.Key == "a").Value);
            Assert.Single(references);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_reference_that_is_not_a_string_is_an_error_naming_line_and_field()
    {
        var path = Path.Combine(Path.GetTempPath(), $"prompts-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, ["{\"prompt\": \"a\"}", "{\"prompt\": \"b\", \"reference\": 3}"]);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => PromptFile.ReadReferences(path));
            Assert.Contains("line 2: reference: must be a string", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Rollouts_hand_the_reference_to_the_reward_source_and_not_to_the_policy()
    {
        torch.set_num_threads(1);
        var config = SmallPpoRun.Config(steps: 1);
        using var models = PpoModels.Load(config, torch.CPU);
        var seen = new List<RewardInput>();
        var reward = new DelegateReward("record", input => { seen.Add(input); return 0; });
        string[] prompts = [SmallPpoRun.Prompts[0], SmallPpoRun.Prompts[1]];
        var references = new Dictionary<string, string> { [prompts[0]] = "Lily found her red ball." };

        var (rollout, _, _) = await new RolloutCollector(models, config, reward, new RewardShaping(), references)
            .CollectAsync(prompts, klCoef: 0.05, generationSeed: 1, CancellationToken.None);
        using (rollout)
        {
            Assert.Equal(["Lily found her red ball.", null], seen.Select(i => i.Reference));
            Assert.Equal(prompts, seen.Select(i => i.Prompt));
            var contextIds = rollout.Sequences[0, ..(int)rollout.ContextLength].data<long>().Where(id => id != models.Tokenizer.PadId).Select(id => (int)id).ToList();
            Assert.DoesNotContain("red ball", models.Tokenizer.Decode(contextIds));
        }
    }
}
