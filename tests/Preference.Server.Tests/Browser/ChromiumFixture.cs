using Microsoft.Playwright;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Browser;

/// <summary>
/// Debian's chromium driven by Playwright (which may not download browsers here). One browser per test class;
/// each test gets fresh contexts.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run tools/install-deps.sh (apt-get install chromium)");
        if (!UiBuild.IsBuilt)
            throw new InvalidOperationException($"{UiBuild.DistDirectory} is not built: run tools/install-deps.sh (npm run build in ui/)");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A browser context already signed in with <paramref name="token"/>.</summary>
    public async Task<IPage> SignedInPageAsync(TestServer server, string token, int width = 1280, int height = 720)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        await context.AddInitScriptAsync($"localStorage.setItem('pref.token', {System.Text.Json.JsonSerializer.Serialize(token)});");
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}
