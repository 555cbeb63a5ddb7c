using System.CommandLine;
using Preference.Cli.Serving;
using Preference.Models;
using Preference.Models.Generation;
using Preference.Models.Runtime;
using TorchSharp;

namespace Preference.Cli.Commands;

/// <summary>`pref generate`: text from a model (the bundled stories260K by default), streamed as it is sampled.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "llama2.c .bin file, Hugging Face model directory or PEFT adapter directory (default: the bundled stories260K)" };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Tokenizer file or directory (default: the one beside the model)" };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue", DefaultValueFactory = _ => "" };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Most tokens to generate", DefaultValueFactory = _ => 128 };
        var temperature = new Option<double>("--temperature") { Description = "0 = greedy; higher = more random", DefaultValueFactory = _ => 0.8 };
        var topK = new Option<int>("--top-k") { Description = "Sample among the k most likely tokens (0 = off)", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling threshold (1 = off)", DefaultValueFactory = _ => 0.95 };
        var seed = new Option<long?>("--seed") { Description = "Seed for reproducible sampling" };
        var samples = new Option<int>("--num-samples", "-n") { Description = "Completions to generate (batched)", DefaultValueFactory = _ => 1 };
        var stop = new Option<string[]>("--stop") { Description = "Stop when this text appears (repeatable)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("generate", "Generate text from a model")
        {
            model, tokenizer, prompt, maxNewTokens, temperature, topK, topP, seed, samples, stop, RuntimeOptions.Device, RuntimeOptions.Threads,
        };
        command.SetAction(CliAction.Of((parse, cancellationToken) =>
        {
            var device = RuntimeOptions.Apply(parse);
            int count = parse.GetValue(samples);
            if (count < 1) throw new CliException("--num-samples: must be at least 1");
            using var bundle = ModelBundle.Load(parse.GetValue(model), device, parse.GetValue(tokenizer), cancellationToken);
            var generator = new TextGenerator(bundle.Model, bundle.Tokenizer);
            var options = new GenerationOptions
            {
                MaxNewTokens = parse.GetValue(maxNewTokens),
                Temperature = parse.GetValue(temperature),
                TopK = parse.GetValue(topK),
                TopP = parse.GetValue(topP),
                Seed = parse.GetValue(seed) ?? Random.Shared.NextInt64(),
            };
            var stops = parse.GetValue(stop) ?? [];
            var text = parse.GetValue(prompt)!;
            if (count == 1)
            {
                Console.Write(text);
                generator.Stream(text, options, piece => Console.Write(piece), stops, cancellationToken);
                Console.WriteLine();
            }
            else
            {
                foreach (var (completion, i) in generator.Generate(Enumerable.Repeat(text, count).ToList(), options, stops,
                             cancellationToken: cancellationToken).Select((c, i) => (c, i)))
                    Console.WriteLine($"--- sample {i + 1}{(completion.Finished ? "" : " (length limit)")}\n{text}{completion.Text}");
            }
            return Task.CompletedTask;
        }));
        return command;
    }
}
