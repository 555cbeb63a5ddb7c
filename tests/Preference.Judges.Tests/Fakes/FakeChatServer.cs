using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Preference.Judges.Tests.Fakes;

/// <summary>
/// An OpenAI-compatible /v1/chat/completions on 127.0.0.1 (real Kestrel, ephemeral port) standing in for a remote
/// LLM. It answers like a judge that prefers the response containing "GOOD", and a task's instruction can script
/// faults for its successive attempts: "faults=429,500,slow,malformed,truncated,garbage,odd,401". Requests are
/// recorded per instruction so tests can check what reached the endpoint.
/// </summary>
public sealed partial class FakeChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private int _inFlight;

    public ConcurrentQueue<(string Instruction, DateTimeOffset At)> Requests { get; } = new();
    public int MaxInFlight;

    /// <summary>Seconds the 429 reply asks the client to wait.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>How long a "slow" reply takes.</summary>
    public TimeSpan SlowDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Makes every reply pick Response A whatever the content: a maximally position-biased model.</summary>
    public bool AlwaysFirst { get; init; }

    /// <summary>Every request fails with this status (for the circuit breaker).</summary>
    public int? AlwaysStatus { get; init; }

    public Uri BaseUrl { get; private set; } = null!;

    public FakeChatServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/v1/chat/completions", HandleAsync);
    }

    public async Task<FakeChatServer> StartAsync()
    {
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.TrimEnd('/') + "/v1/");
        return this;
    }

    public int RequestsFor(string instruction) => Requests.Count(r => r.Instruction == instruction);

    private async Task HandleAsync(HttpContext context)
    {
        int now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref MaxInFlight, now);
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var user = body.RootElement.GetProperty("messages").EnumerateArray()
                .Last(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()!;
            var instruction = Instruction().Match(user).Groups[1].Value.Trim();
            Requests.Enqueue((instruction, DateTimeOffset.UtcNow));
            int attempt = _attempts.AddOrUpdate(instruction, 1, (_, n) => n + 1);

            if (AlwaysStatus is { } always)
            {
                context.Response.StatusCode = always;
                await context.Response.WriteAsync("{\"error\":{\"message\":\"down\"}}");
                return;
            }

            var faults = Faults().Match(instruction) is { Success: true } m ? m.Groups[1].Value.Split(',') : [];
            var fault = attempt <= faults.Length ? faults[attempt - 1] : "ok";
            if (faults.Contains("garbage-always")) fault = "garbage";
            await ReplyAsync(context, fault, user);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task ReplyAsync(HttpContext context, string fault, string user)
    {
        var response = context.Response;
        switch (fault)
        {
            case "429":
                response.StatusCode = 429;
                response.Headers.RetryAfter = RetryAfterSeconds.ToString();
                await response.WriteAsJsonAsync(new { error = new { message = "rate limited", type = "rate_limit" } });
                return;
            case "500" or "503" or "401":
                response.StatusCode = int.Parse(fault);
                await response.WriteAsJsonAsync(new { error = new { message = $"injected {fault}" } });
                return;
            case "slow":
                await Task.Delay(SlowDelay, context.RequestAborted);
                break;
            case "malformed":
                response.ContentType = "application/json";
                await response.WriteAsync("{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":");
                return;
            case "truncated":
                var full = Encoding.UTF8.GetBytes(Completion(Verdict(user)));
                response.ContentType = "application/json";
                response.ContentLength = full.Length;
                await response.Body.WriteAsync(full.AsMemory(0, full.Length / 2));
                await response.Body.FlushAsync();
                context.Abort();
                return;
        }
        var content = fault switch
        {
            "garbage" => "I think both have merits and it is hard to say.",
            "odd" => $"Let me compare.\n\n**Final verdict:** Response {Winner(user)}",
            "json" => $"{{\"reasoning\": \"fine\", \"verdict\": \"{Winner(user)}\"}}",
            _ => Verdict(user),
        };
        response.ContentType = "application/json";
        await response.WriteAsync(Completion(content));
    }

    private string Winner(string user)
    {
        if (AlwaysFirst) return "A";
        var a = Section(user, "A");
        var b = Section(user, "B");
        return a.Contains("GOOD") == b.Contains("GOOD") ? "tie" : a.Contains("GOOD") ? "A" : "B";
    }

    private string Verdict(string user) => $"Response {Winner(user)} answers the question better.\n[[{Winner(user)}]]";

    private static string Section(string user, string label) =>
        Regex.Match(user, $@"\[Response {label}\]\n(.*?)\n\[End of Response {label}\]", RegexOptions.Singleline).Groups[1].Value;

    private static string Completion(string content) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-fake",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "fake-judge",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
    });

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [GeneratedRegex(@"\[User instruction\]\n(.*?)\n\n", RegexOptions.Singleline)]
    private static partial Regex Instruction();

    [GeneratedRegex(@"faults=([\w,-]+)")]
    private static partial Regex Faults();
}
