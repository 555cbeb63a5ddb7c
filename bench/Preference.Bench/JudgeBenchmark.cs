using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Preference.Core.Agreement;
using Preference.Core.Judging;
using Preference.Judges.OpenAi;
using Preference.Judges.Parsing;
using Preference.Judges.PositionBias;
using Preference.Judges.Resilience;
using Preference.Judges.Running;

namespace Preference.Bench;

/// <summary>
/// What judging costs on our side, apart from the model: verdict parsing, agreement statistics on large label
/// tables, and the per-call overhead of the OpenAI client + Polly pipeline against an instant loopback endpoint.
/// </summary>
public sealed class JudgeBenchmark : IBenchmark
{
    public string Name => "judge";
    public string Description => "verdict parsing, agreement statistics, judge client overhead vs an instant loopback endpoint";

    private static readonly string[] Replies =
    [
        "Response B is more accurate and complete.\n[[B]]",
        "**Final verdict:** Response A",
        "{\"reasoning\": \"both fine\", \"verdict\": \"tie\"}",
        "I'd say [[A]] if A were better and [[B]] otherwise.",
    ];

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        Console.WriteLine("| what | size | threads | number | unit |");
        Console.WriteLine("|---|---|---|---|---|");

        const int replies = 200_000;
        string[] labels = ["A", "B"];
        for (int i = 0; i < 1000; i++) VerdictParser.Parse(Replies[i % Replies.Length], labels); // warm-up
        var timer = Stopwatch.StartNew();
        for (int i = 0; i < replies; i++) VerdictParser.Parse(Replies[i % Replies.Length], labels);
        Console.WriteLine($"| parse verdicts (4 formats) | {replies} replies | 1 | {replies / timer.Elapsed.TotalSeconds:F0} | replies/s |");

        const int items = 100_000;
        var random = new Random(7);
        var table = RatingTable.FromRows(Enumerable.Range(0, items).SelectMany(i =>
        {
            var truth = PairLabels.OrdinalScale[random.Next(3)];
            return new[] { "a", "b", "c" }.Select(r => ($"{i}", r, random.NextDouble() < 0.8 ? truth : PairLabels.OrdinalScale[random.Next(3)]));
        }));
        Report("Fleiss' kappa", items, () => FleissKappa.Compute(table));
        Report("Krippendorff's alpha, ordinal", items, () => KrippendorffAlpha.Ordinal(table, PairLabels.OrdinalScale));
        Report("Cohen's kappa (a vs b)", items, () => CohensKappa.Compute(table, "a", "b"));
        Report("per-rater vs consensus", items, () => ConsensusAgreement.PerRater(table).Count);

        await using var endpoint = await InstantEndpoint.StartAsync();
        foreach (var concurrency in new[] { 1, 8 })
        {
            var judge = new PositionBalancedJudge(new ChatJudge(OpenAiChatClients.Create(endpoint.BaseUrl, "bench", null),
                new ChatJudgeOptions { Name = "bench", Model = "bench", Resilience = new ResilienceSettings { MaxConcurrency = concurrency } }));
            var tasks = Enumerable.Range(0, 1000).Select(i => new JudgeTask($"t{i}", "question",
                [new Candidate("x", "first answer"), new Candidate("y", "second answer")])).ToList();
            var log = new NullStore();
            await new JudgeRunner(judge, log).RunAsync(tasks.Take(50), concurrency, cancellationToken: cancellationToken); // warm-up
            timer.Restart();
            await new JudgeRunner(judge, new NullStore()).RunAsync(tasks, concurrency, cancellationToken: cancellationToken);
            Console.WriteLine($"| judge both orders, instant endpoint | {tasks.Count} tasks | {concurrency} | {tasks.Count / timer.Elapsed.TotalSeconds:F0} | tasks/s |");
        }
    }

    private static void Report(string what, int items, Func<object> work)
    {
        work();
        var timer = Stopwatch.StartNew();
        work();
        Console.WriteLine($"| {what} | {items} items x 3 raters | 1 | {timer.Elapsed.TotalMilliseconds:F0} | ms |");
    }

    private sealed class NullStore : IVerdictStore
    {
        public Task<IReadOnlySet<string>> JudgedTaskIdsAsync(string judgeName, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
        public Task SaveAsync(VerdictRecord record, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    /// <summary>A chat-completions endpoint on loopback that answers [[A]] at once: what remains is our overhead.</summary>
    private sealed class InstantEndpoint : IAsyncDisposable
    {
        private static readonly byte[] Body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = "x", @object = "chat.completion", created = 0, model = "bench",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "[[A]]" }, finish_reason = "stop" } },
        });

        private readonly WebApplication _app;
        public Uri BaseUrl { get; }

        private InstantEndpoint(WebApplication app) => (_app, BaseUrl) = (app, new Uri(app.Urls.First() + "/v1/"));

        public static async Task<InstantEndpoint> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                await context.Request.Body.CopyToAsync(Stream.Null);
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(Body);
            });
            await app.StartAsync();
            return new InstantEndpoint(app);
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
