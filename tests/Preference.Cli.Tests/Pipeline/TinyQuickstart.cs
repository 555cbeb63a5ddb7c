using System.Diagnostics;

namespace Preference.Cli.Tests.Pipeline;

/// <summary>
/// A quickstart shrunk to seconds of work per stage (8 prompts, short stories, a few PPO steps), run as the real `pref`
/// process in its own directory, exactly as a user runs it.
/// </summary>
public sealed class TinyQuickstart : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("pref-quickstart-").FullName;
    public string RunDirectory => Path.Combine(Directory, "run");
    public string ConfigFile => Path.Combine(Directory, "quickstart.yaml");

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public TinyQuickstart(int ppoSteps = 6)
    {
        File.WriteAllText(Path.Combine(Directory, "judge.yaml"), """
            name: dog-and-happy-judge
            kind: keyword
            keyword:
              tie_tolerance: 0
              rules:
                - pattern: '\A(?=[\s\S]*\bdog\b)'
                  weight: 1
                - pattern: '\A(?=[\s\S]*\bhappy\b)'
                  weight: 1
            """);
        File.WriteAllText(ConfigFile, $$"""
            quickstart:
              candidates_per_prompt: 6
              max_new_tokens: 32
              stop_token_id: 1
              seed: 7
              judge: {{Path.Combine(Directory, "judge.yaml")}}
              eval_samples_per_prompt: 2
              prompts:
                - "Once upon a time, there was a little girl named Lily."
                - "One day, a boy named Tim went to the park."
                - "Sara liked to play with her red ball."
                - "Tom wanted to go to the beach."
                - "Ben and Mia were best friends."
                - "Max had a new toy truck."
                - "One morning, Sam woke up early."
                - "There was a girl who loved to sing."
              heldout_prompts:
                - "Once upon a time, there was a tiny mouse."
                - "Sam had a blue kite."
            rm:
              base_model: bundled
              max_length: 64
              per_device_train_batch_size: 8
              num_train_epochs: 2
              eval_steps: 4
              save_steps: 4
              validation_fraction: 0.2
              seed: 1
            ppo:
              total_episodes: {{ppoSteps * 16}}
              per_device_train_batch_size: 16
              num_mini_batches: 1
              num_ppo_epochs: 2
              response_length: 32
              temperature: 1.0
              stop_token_id: 1
              kl_coef: 0.05
              seed: 42
              save_steps: 2
              sample_steps: 0
              optimizer:
                learning_rate: 1.0e-3
                schedule: constant
              rewards:
                - kind: reward_model
                  name: learned
                  path: reward/final
            dpo:
              max_length: 64
              beta: 0.1
              precompute_ref_log_probs: true
              num_train_epochs: 2
              per_device_train_batch_size: 8
              optimizer:
                learning_rate: 1.0e-3
              eval_steps: 4
              save_steps: 2
              seed: 42
            grpo:
              max_steps: 3
              per_device_train_batch_size: 8
              num_generations: 4
              max_completion_length: 32
              stop_token_id: 1
              beta: 0.1
              save_steps: 2
              sample_steps: 0
              optimizer:
                learning_rate: 1.0e-3
                schedule: constant
              rewards:
                - kind: reward_model
                  name: learned
                  path: reward/final
            """);
    }

    public async Task<Result> RunAsync(params string[] extra) => await RunAsync(extra, null);

    /// <param name="onLine">Sees each stdout line as it arrives (to act on the run while it waits, as a person would).</param>
    /// <param name="runDirectory">Another run directory than <see cref="RunDirectory"/> (a copy of it, say).</param>
    public async Task<Result> RunAsync(string[] extra, Func<string, Task>? onLine, string? runDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Directory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pref.dll"));
        foreach (var arg in new[] { "quickstart", "--config", ConfigFile, "--run-dir", runDirectory ?? RunDirectory, "--device", "cpu" }.Concat(extra))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = onLine is null ? process.StandardOutput.ReadToEndAsync() : ReadLinesAsync(process.StandardOutput, onLine);
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pref quickstart did not finish in 6 minutes:\n{await stdout}\n{await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    static async Task<string> ReadLinesAsync(StreamReader reader, Func<string, Task> onLine)
    {
        var all = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            all.AppendLine(line);
            await onLine(line);
        }
        return all.ToString();
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
