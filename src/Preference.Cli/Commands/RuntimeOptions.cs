using System.CommandLine;
using Preference.Models.Runtime;
using TorchSharp;

namespace Preference.Cli.Commands;

/// <summary>Options every command that runs a model shares: where it runs and on how many CPU threads.</summary>
public static class RuntimeOptions
{
    public static readonly Option<string> Device = new("--device")
    {
        Description = "auto (CUDA when available), cpu or cuda",
        DefaultValueFactory = _ => "auto",
    };

    public static readonly Option<int?> Threads = new("--threads") { Description = "CPU threads for tensor work (default: all cores)" };

    public static torch.Device Apply(ParseResult parse)
    {
        if (parse.GetValue(Threads) is { } threads)
        {
            if (threads < 1) throw new ArgumentException("--threads: must be at least 1");
            torch.set_num_threads(threads);
        }
        return DeviceOption.Resolve(parse.GetValue(Device)!);
    }
}
