using Preference.Cli.Serving;
using Preference.Training.Reward.Training;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Preference.Cli.Reward;

/// <summary>Reads a <c>configs/rm*.yaml</c> into a <see cref="RewardConfig"/>; every problem names the file and the key.</summary>
public static class RewardConfigYaml
{
    static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithEnumNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    public static RewardConfig Read(string path)
    {
        if (!File.Exists(path)) throw new CliException($"{path}: no such config file");
        RewardConfig? config;
        try
        {
            config = Deserializer.Deserialize<RewardConfig>(File.ReadAllText(path));
        }
        catch (YamlException e)
        {
            var message = (e.InnerException?.Message ?? e.Message).Split(Environment.NewLine)[0];
            if (Configuration.RenamedKeys.NotFoundKey(message) is { } unknown) message = Configuration.RenamedKeys.UnknownKey(unknown);
            throw new CliException($"{path} (line {e.Start.Line}): {message}");
        }
        if (config is null) throw new CliException($"{path}: the config is empty");
        // Relative data, model and output paths are relative to the config file, so a config works from any directory.
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? Resolve(string? p) => p is null || Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(directory, p));
        if (config.TrainFile is null) throw new CliException($"{path}: train_file: required");
        config = config with
        {
            TrainFile = Resolve(config.TrainFile)!,
            EvalFile = Resolve(config.EvalFile),
            OutputDirectory = Resolve(config.OutputDirectory)!,
            BaseModel = config.BaseModel is "scratch" or "bundled" ? config.BaseModel : Resolve(config.BaseModel)!,
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{path}: {e.Message}");
        }
        return config;
    }
}
