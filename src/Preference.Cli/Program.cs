using System.CommandLine;
using Preference.Cli.Commands;

var root = new RootCommand("pref: rank model outputs, train a reward model, optimise a policy with PPO");
foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
