using Microsoft.Playwright;

namespace Preference.Server.Tests.Browser;

/// <summary>Waiting assertions (Playwright's auto-retrying expectations, without the MSTest/NUnit adapters).</summary>
public static class Expects
{
    public static Task CountAsync(ILocator locator, int count) =>
        Assertions.Expect(locator).ToHaveCountAsync(count, new LocatorAssertionsToHaveCountOptions { Timeout = 15_000 });

    public static Task VisibleAsync(ILocator locator) =>
        Assertions.Expect(locator).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
}
