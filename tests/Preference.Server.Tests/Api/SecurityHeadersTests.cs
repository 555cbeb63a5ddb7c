using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

public class SecurityHeadersTests
{
    [Theory]
    [InlineData("GET", "/", null, HttpStatusCode.OK)]
    [InlineData("GET", "/healthz", null, HttpStatusCode.OK)]
    [InlineData("GET", "/api/me", TestServer.AdminToken, HttpStatusCode.OK)]
    [InlineData("GET", "/api/me", null, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "/api/campaigns/missing", TestServer.AdminToken, HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/campaigns", TestServer.AdminToken, HttpStatusCode.BadRequest)]
    public async Task Every_response_carries_the_security_headers(string method, string path, string? token, HttpStatusCode status)
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client(token);
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? JsonContent.Create(new { name = "" }) : null,
        });
        Assert.Equal(status, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    internal static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..]);
        Assert.Equal(["'self'"], directives["default-src"]);
        Assert.Equal(["'self'", "data:"], directives["img-src"]);
        Assert.Equal(["'none'"], directives["object-src"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.DoesNotContain("'unsafe-inline'", directives["script-src"]);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task A_429_says_when_to_retry_and_carries_the_headers()
    {
        await using var server = await TestServer.StartAsync(o => o with { RequestsPerSecondPerClient = 1 });
        using var admin = server.Client();
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 10 && limited is null; i++)
        {
            var response = await admin.GetAsync("/api/me");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
        }
        Assert.NotNull(limited);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        AssertSecurityHeaders(limited);
    }

    [Fact]
    public async Task An_unknown_token_is_logged_once_per_attempt_without_the_token()
    {
        var log = new LogRecorder();
        await using var server = await TestServer.StartAsync(host: b => b.Logging.AddProvider(log));
        using var stranger = server.Client("pref_guessed_token_123");
        for (int i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/me")).StatusCode);

        var lines = log.Lines.Where(l => l.Category.Contains("Auth", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal(LogLevel.Warning, l.Level));
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("pref_guessed_token_123"));
    }
}
