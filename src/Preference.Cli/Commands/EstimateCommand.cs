using System.CommandLine;
using System.Globalization;
using Preference.Cli.Configuration;
using Preference.Cli.Serving;
using Preference.Training.Estimation;
using Preference.Training.Sft;

namespace Preference.Cli.Commands;

/// <summary>`pref estimate`: the memory an SFT configuration needs (weights, gradients, optimizer, activations), LoRA or full.</summary>
public static class EstimateCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c") { Description = "YAML file with an sft: section (model, batch size, max_length, lora, freeze_layers)" };
        var set = new Option<string[]>("--set") { Description = "Override a setting: sft.key=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var bytes = new Option<int?>("--bytes-per-parameter") { Description = "4 fp32, 2 fp16/bf16 (default: the checkpoint's)" };
        var command = new Command("estimate", "Print the memory a training configuration will need") { config, set, bytes };
        command.SetAction(CliAction.Of((parse, _) =>
        {
            // Sizing needs no data, but the config record insists on a training file: a placeholder satisfies it.
            var overrides = (parse.GetValue(set) ?? []).Append("sft.train_file=(not needed for estimate)").ToList();
            var settings = StageConfigFile.Load<SftConfig>(parse.GetValue(config), "sft", overrides);
            if (parse.GetValue(bytes) is { } b && b is not (1 or 2 or 4 or 8)) throw new CliException("--bytes-per-parameter: must be 1, 2, 4 or 8");
            var sizing = ModelSizing.Read(settings.Model);
            var estimate = MemoryEstimate.For(sizing, settings.PerDeviceTrainBatchSize, settings.MaxLength, settings.Lora, settings.FreezeLayers, parse.GetValue(bytes));

            string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
            string mode = settings.Lora is { } lora ? $"LoRA r={lora.Rank} on {string.Join(",", lora.TargetModules)}"
                : settings.FreezeLayers > 0 ? $"full, first {settings.FreezeLayers} layers frozen" : "full fine-tuning";
            Console.WriteLine($"model        {sizing.Source}: {N(sizing.Parameters)} parameters, {sizing.Layers} layers, hidden {sizing.Hidden}");
            Console.WriteLine($"training     {mode}: {N(estimate.TrainableParameters)} trainable; batch {settings.PerDeviceTrainBatchSize} x {settings.MaxLength} tokens");
            Console.WriteLine($"weights      {Size(estimate.Weights)}");
            Console.WriteLine($"gradients    {Size(estimate.Gradients)}");
            Console.WriteLine($"optimizer    {Size(estimate.OptimizerState)}  (AdamW, two fp32 moments)");
            Console.WriteLine($"activations  {Size(estimate.Activations)}");
            Console.WriteLine($"total        {Size(estimate.Total)}  (plus the framework's own overhead, typically 0.5-1 GiB on a GPU)");
            return Task.CompletedTask;
        }));
        return command;
    }

    static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1) { value /= 1024; unit++; }
        return $"{value.ToString(unit == 0 ? "0" : "0.0", CultureInfo.InvariantCulture)} {units[unit]}";
    }
}
