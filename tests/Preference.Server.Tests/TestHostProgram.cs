using Preference.Server;

namespace Preference.Server.Tests;

/// <summary>
/// `dotnet Preference.Server.Tests.dll serve DATA_DIR URL ADMIN_TOKEN`: the same server as `pref serve`, in a process
/// a test can kill without a CLI build (the CLI pulls in TorchSharp).
/// </summary>
public static class TestHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["serve", var data, var url, var token])
        {
            await Console.Error.WriteLineAsync("usage: Preference.Server.Tests serve DATA_DIR URL ADMIN_TOKEN");
            return 2;
        }
        var app = PreferenceServer.Build(new ServerOptions { DataDirectory = data, Urls = url, AdminToken = token, RequestsPerSecondPerClient = 100_000 });
        await PreferenceServer.BootstrapAdminAsync(app);
        await app.RunAsync();
        return 0;
    }
}
