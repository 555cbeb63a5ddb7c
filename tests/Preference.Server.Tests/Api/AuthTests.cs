using System.Net;
using System.Net.Http.Json;
using Preference.Server.Tests.Infrastructure;

namespace Preference.Server.Tests.Api;

public class AuthTests
{
    [Fact]
    public async Task A_request_without_a_token_gets_401()
    {
        await using var server = await TestServer.StartAsync();
        using var anonymous = server.Client(token: null);
        var response = await anonymous.GetAsync("/api/campaigns");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_token_gets_401()
    {
        await using var server = await TestServer.StartAsync();
        using var stranger = server.Client("pref_not_a_real_token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/me")).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/campaigns")]
    [InlineData("POST", "/api/annotators")]
    [InlineData("GET", "/api/campaigns/x/export")]
    [InlineData("GET", "/api/campaigns/x/annotations")]
    [InlineData("GET", "/api/runs")]
    public async Task Annotators_never_reach_admin_endpoints(string method, string path)
    {
        await using var server = await TestServer.StartAsync();
        using var alice = server.Client(await server.CreateAnnotatorAsync("alice"));
        var response = await alice.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { name = "x" }) });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_admin_created_token_identifies_its_annotator()
    {
        await using var server = await TestServer.StartAsync();
        using var judge = server.Client(await server.CreateAnnotatorAsync("GPT Judge", Core.Domain.AnnotatorKind.Judge));
        var me = await judge.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/me");
        Assert.Equal("gpt-judge", me.GetProperty("id").GetString());
        Assert.Equal("judge", me.GetProperty("kind").GetString());
        Assert.False(me.TryGetProperty("tokenHash", out _));
    }

    [Fact]
    public async Task Past_the_rate_limit_requests_get_429_problem_details()
    {
        await using var server = await TestServer.StartAsync(o => o with { RequestsPerSecondPerClient = 2 });
        using var admin = server.Client();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 10; i++)
        {
            var response = await admin.GetAsync("/api/me");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
        }
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.NotNull(limited);
        Assert.Equal(429, (await limited.ProblemAsync()).GetProperty("status").GetInt32());
    }
}
