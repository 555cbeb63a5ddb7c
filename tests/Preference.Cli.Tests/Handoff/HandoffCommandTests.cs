using System.Text.Json;
using Parquet.Serialization;
using Preference.Cli.Configuration;
using Preference.Cli.RewardServing;
using Preference.Core.Datasets.Engines;
using Preference.Training.Reward.Export;
using TorchSharp;

namespace Preference.Cli.Tests.Handoff;

/// <summary>
/// `pref handoff` writes, for each engine, files that engine reads: launch flags from its documented CLI (the flag
/// lists beside this file are taken from OpenRLHF's train_ppo_ray.py and verl's trainer config), data in its format
/// read back, a reward-server config our loader accepts, the policy and reward model as Hugging Face directories.
/// </summary>
public sealed class HandoffCommandTests(HandoffRun run) : IClassFixture<HandoffRun>
{
    static HashSet<string> Documented(string file) =>
        File.ReadAllLines(RepoFiles.Path($"tests/Preference.Cli.Tests/Handoff/{file}")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();

    async Task<string> HandoffAsync(string engine, params string[] extra)
    {
        var output = run.NewOutput();
        var result = await PrefProcess.RunAsync(["handoff", engine, "--run", run.RunDirectory, "--out", output, .. extra]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains($"handoff {engine}: 3 prompts, pairs, policy, reward model", result.Stdout);
        return output;
    }

    static List<JsonElement> JsonLines(string path) => File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    static void AssertCommonParts(string output)
    {
        Assert.True(File.Exists(Path.Combine(output, "policy", "config.json")));
        Assert.True(File.Exists(Path.Combine(output, "policy", "tokenizer_config.json")), "the engines' AutoTokenizer reads the policy's own tokenizer");
        Assert.False(Directory.Exists(Path.Combine(output, "policy", "value_model")), "PPO's critic is not part of the policy");
        var config = StageConfigFile.Load<RewardServerConfig>(Path.Combine(output, "reward-server.yaml"), "reward_server", []);
        var spec = Assert.Single(config.Rewards);
        Assert.Equal("reward_model", spec.Kind);
        using var model = RewardModelDirectory.Load(Path.Combine(output, spec.Path!), torch.CPU);
        Assert.Single(model.Score([("Tom had a dog.", " The dog was happy.")]));
        var classifier = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "reward_model", "config.json"))).RootElement;
        Assert.Equal("LlamaForSequenceClassification", classifier.GetProperty("architectures")[0].GetString());
    }

    [Fact]
    public async Task Openrlhf_gets_a_ray_job_of_train_ppo_ray_with_our_remote_reward_and_its_prompt_dataset()
    {
        var output = await HandoffAsync("openrlhf");

        AssertCommonParts(output);
        var script = Path.Combine(output, "train_openrlhf.sh");
        Assert.Equal((0, ""), GeneratedFiles.Run("bash", "-n", script));
        if (!OperatingSystem.IsWindows()) Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute));
        var text = File.ReadAllText(script);
        Assert.Contains("ray job submit", text);
        var words = GeneratedFiles.CommandAfter(text, "python3 -m openrlhf.cli.train_ppo_ray");
        var flags = words.Where(w => w.StartsWith("--")).ToList();
        Assert.Empty(flags.Except(Documented("openrlhf-train-ppo-ray-flags.txt")));
        string Value(string flag) => words[words.IndexOf(flag) + 1];
        Assert.Equal("$REWARD_URL/get_reward", Value("--reward.remote_url"));
        Assert.True(File.Exists(Path.Combine(output, Value("--actor.model_name_or_path"), "config.json")));
        var prompts = JsonLines(Path.Combine(output, Value("--data.prompt_dataset")));
        Assert.Equal(HandoffRun.Prompts, prompts.Select(p => p.GetProperty(Value("--data.input_key")).GetString()));
        Assert.All(prompts, p => Assert.Equal(JsonValueKind.String, p.GetProperty(Value("--data.label_key")).ValueKind));
        var pairs = JsonLines(Path.Combine(output, "data", "pairs.jsonl"));
        Assert.Equal(4, pairs.Count);
        Assert.All(pairs, p => Assert.Equal(0.5, p.GetProperty("margin").GetDouble()));
        Assert.Contains("train_openrlhf.sh", File.ReadAllText(Path.Combine(output, "README.md")));
    }

    [Fact]
    public async Task Verl_gets_main_ppo_with_documented_overrides_parquet_prompts_and_a_batched_reward_function()
    {
        var output = await HandoffAsync("verl");

        AssertCommonParts(output);
        var script = Path.Combine(output, "train_verl.sh");
        Assert.Equal((0, ""), GeneratedFiles.Run("bash", "-n", script));
        var words = GeneratedFiles.CommandAfter(File.ReadAllText(script), "python3 -m verl.trainer.main_ppo");
        var overrides = words.Where(w => w.Contains('=') && !w.StartsWith('$')).ToDictionary(w => w[..w.IndexOf('=')], w => w[(w.IndexOf('=') + 1)..].Trim('"'));
        Assert.Empty(overrides.Keys.Except(Documented("verl-ppo-trainer-keys.txt")));
        string Local(string key) => Path.Combine(output, overrides[key].Replace("$HERE/", ""));
        Assert.Equal("batch", overrides["reward_model.reward_manager"]);
        Assert.Equal("compute_score", overrides["custom_reward_function.name"]);
        Assert.True(File.Exists(Path.Combine(Local("actor_rollout_ref.model.path"), "config.json")));

        await using var parquet = File.OpenRead(Local("data.train_files"));
        var rows = (await ParquetSerializer.DeserializeAsync<VerlRow>(parquet)).Data;
        Assert.Equal(HandoffRun.Prompts, rows.Select(r => r.Prompt.Single().Content));
        Assert.All(rows, r => Assert.Equal(("user", "preference", "model"), (r.Prompt[0].Role, r.DataSource, r.RewardModel.Style)));
        Assert.Equal(HandoffRun.Prompts, rows.Select(r => r.ExtraInfo.PromptText));

        var rewardFunction = Local("custom_reward_function.path");
        Assert.Contains("/v1/rewards", File.ReadAllText(rewardFunction));
        if (GeneratedFiles.HasPython)
            Assert.Contains("compute_score(data_sources,solution_strs,ground_truths,extra_infos)", GeneratedFiles.PythonFunctions(rewardFunction));
    }

    [Fact]
    public async Task Trl_gets_a_grpo_and_dpo_script_whose_reward_funcs_call_the_server_and_its_datasets()
    {
        var output = await HandoffAsync("trl");

        AssertCommonParts(output);
        var script = Path.Combine(output, "train_trl.py");
        var text = File.ReadAllText(script);
        Assert.Contains("GRPOTrainer(model=POLICY, reward_funcs=pref_reward", text);
        Assert.Contains("DPOTrainer(model=POLICY", text);
        Assert.Contains("/v1/rewards", text);
        if (GeneratedFiles.HasPython)
            Assert.Contains("pref_reward(prompts,completions,reference)", GeneratedFiles.PythonFunctions(script));
        Assert.Equal(HandoffRun.Prompts, JsonLines(Path.Combine(output, "data", "prompts.jsonl")).Select(p => p.GetProperty("prompt").GetString()));
        Assert.All(JsonLines(Path.Combine(output, "data", "pairs.jsonl")), p =>
            Assert.Equal(["prompt", "chosen", "rejected"], p.EnumerateObject().Select(o => o.Name).Take(3)));
    }

    [Fact]
    public async Task A_run_without_a_reward_model_needs_a_reward_config_and_a_non_empty_output_is_refused()
    {
        var rmLess = Path.Combine(run.Root, "ppo-only");
        HandoffFiles(Path.Combine(run.RunDirectory, "ppo", "final"), Path.Combine(rmLess, "final"));

        var missing = await PrefProcess.RunAsync("handoff", "verl", "--run", rmLess, "--out", run.NewOutput(), "--prompts", RepoFiles.Path("configs/ppo-stories-heldout.yaml"));
        var withConfig = await PrefProcess.RunAsync("handoff", "verl", "--run", rmLess, "--out", run.NewOutput(), "--prompts", RepoFiles.Path("configs/ppo-stories-heldout.yaml"),
            "--reward-config", RepoFiles.Path("configs/reward-server-stories.yaml"));
        var occupied = run.NewOutput();
        Directory.CreateDirectory(occupied);
        File.WriteAllText(Path.Combine(occupied, "keep.txt"), "mine");
        var refused = await PrefProcess.RunAsync("handoff", "trl", "--run", run.RunDirectory, "--out", occupied);

        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error: --reward-config: required", missing.Stderr.Trim());
        Assert.True(withConfig.ExitCode == 0, withConfig.Stderr);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--out:", refused.Stderr);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(occupied, "keep.txt")));
    }

    static void HandoffFiles(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }
}
