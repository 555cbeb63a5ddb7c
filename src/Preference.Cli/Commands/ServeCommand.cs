using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Preference.Server;

namespace Preference.Cli.Commands;

/// <summary>`pref serve`: the API, the SignalR hubs and the web UI over one store directory.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data")
        {
            Description = "Directory of the store (preference.db); created if missing",
            DefaultValueFactory = _ => new DirectoryInfo("pref-data"),
        };
        var urls = new Option<string>("--urls") { Description = "Listen address(es)", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var adminToken = new Option<string?>("--admin-token")
        {
            Description = "Admin token to install instead of printing a generated one (default: $PREF_ADMIN_TOKEN)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PREF_ADMIN_TOKEN"),
        };
        var ui = new Option<DirectoryInfo?>("--ui") { Description = "Built web app directory (default: the nearest ui/dist)" };
        var rate = new Option<int>("--rate-limit")
        {
            Description = "Requests per second allowed per token", DefaultValueFactory = _ => 200,
        };

        var maxImport = new Option<int>("--max-import-mb")
        {
            Description = "Largest dataset upload accepted by an import, in MiB (larger files answer 413; split them)",
            DefaultValueFactory = _ => 64,
        };

        var command = new Command("serve", "Start the annotation server: API, live hubs and web UI") { data, urls, adminToken, ui, rate, maxImport };
        command.SetAction(Serving.CliAction.Of(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(rate) < 1) throw new Serving.CliException("--rate-limit: must be at least 1");
            if (parse.GetValue(maxImport) is < 1 or > 4096) throw new Serving.CliException("--max-import-mb: must be 1..4096");
            var app = PreferenceServer.Build(new ServerOptions
            {
                DataDirectory = parse.GetValue(data)!.FullName,
                Urls = parse.GetValue(urls)!,
                AdminToken = parse.GetValue(adminToken),
                UiDirectory = parse.GetValue(ui)?.FullName,
                RequestsPerSecondPerClient = parse.GetValue(rate),
                MaxImportBodyBytes = (long)parse.GetValue(maxImport) << 20,
            });
            try
            {
                await PreferenceServer.BootstrapAdminAsync(app);
            }
            catch (Store.Errors.StoreInUseException e)
            {
                throw new Serving.CliException($"--data: {e.Message.Split(" (preference.lock")[0]}");
            }
            // RunAsync stops on Ctrl+C/SIGTERM; disposing the host drains the writer and checkpoints the store.
            await app.RunAsync();
        }));
        return command;
    }
}
