namespace Preference.Cli.Tests.Browser;

/// <summary>One chromium per test class, launched before the test starts its run so no PPO step is spent waiting for it.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public DebianChromium Chromium { get; private set; } = null!;

    public async Task InitializeAsync() => Chromium = await DebianChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
    }
}
