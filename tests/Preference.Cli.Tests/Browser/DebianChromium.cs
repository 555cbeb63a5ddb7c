using Microsoft.Playwright;

namespace Preference.Cli.Tests.Browser;

/// <summary>
/// Debian's chromium driven by Playwright, which may never download browsers here. The same launch as the server's
/// browser tests, without their in-process server: here the server lives inside a real `pref` process. Also compiled
/// into tools/Screenshots, which drives the same browser the same way.
/// </summary>
public sealed class DebianChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    readonly IPlaywright _playwright;

    DebianChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<DebianChromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: run tools/install-deps.sh (apt-get install chromium)");
        if (UiDist() is null)
            throw new InvalidOperationException("ui/dist is not built: run tools/install-deps.sh (npm run build in ui/)");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new DebianChromium(playwright, browser);
    }

    /// <summary>A fresh browser context on <paramref name="server"/>, already signed in with <paramref name="token"/>.</summary>
    public async Task<IPage> SignedInPageAsync(Uri server, string token, int width = 1280, int height = 720)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        // The web app keeps its token in localStorage; setting it before any script runs is what signing in leaves behind.
        await context.AddInitScriptAsync($"localStorage.setItem('pref.token', {System.Text.Json.JsonSerializer.Serialize(token)});");
        return await context.NewPageAsync();
    }

    /// <summary>The built web app the server serves: the nearest ui/dist above the running binaries (as the server finds it).</summary>
    static string? UiDist()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ui", "dist", "index.html"))) return Path.Combine(dir.FullName, "ui", "dist");
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
