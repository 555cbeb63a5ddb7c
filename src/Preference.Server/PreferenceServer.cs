using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Preference.Core.Domain;
using Preference.Server.Auth;
using Preference.Server.Endpoints;
using Preference.Server.Hubs;
using Preference.Server.Problems;
using Preference.Server.Ui;
using Preference.Store;

namespace Preference.Server;

/// <summary>
/// Builds the whole server (API, hubs, UI) on Kestrel. `pref serve`, the tests and the benchmark all call this, so
/// they exercise the same application.
/// </summary>
public static class PreferenceServer
{
    public static WebApplication Build(ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        // Per-request logs would cost more than the requests under load; warnings and the lifetime messages stay.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(_ => PreferenceStore.Open(options.DataDirectory));

        builder.Services.ConfigureHttpJsonOptions(o => PreferenceJson.Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StoreExceptionHandler>();
        builder.Services.AddOpenApi();

        builder.Services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(nameof(AnnotatorRole.Admin)))
            .AddPolicy(Policies.Publisher, p => p.RequireRole(nameof(AnnotatorRole.Admin), nameof(AnnotatorRole.Trainer)))
            .AddPolicy(Policies.Reviewer, p => p.RequireRole(nameof(AnnotatorRole.Admin), nameof(AnnotatorRole.Reviewer)));
        builder.Services.AddRateLimiter(o => ConfigureRateLimits(o, options));
        builder.Services.AddSignalR().AddJsonProtocol(o => PreferenceJson.Configure(o.PayloadSerializerOptions));
        builder.Services.AddHostedService<ProgressBroadcaster>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        MapUi(app, options);

        app.MapOpenApi();
        app.MapAnnotatorEndpoints();
        app.MapCampaignEndpoints();
        app.MapImportEndpoints();
        app.MapTaskEndpoints();
        app.MapExportEndpoints();
        app.MapAgreementEndpoints();
        app.MapQualityEndpoints();
        app.MapReviewEndpoints();
        app.MapRunEndpoints();
        app.MapHub<CampaignProgressHub>(CampaignProgressHub.Path);
        app.MapHub<TrainingHub>(TrainingHub.Path);
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Opens the store and, on a store with no admin, creates one: with the configured token, or a new one printed
    /// once. Returns the printed token (null if none was generated).
    /// </summary>
    public static async Task<string?> BootstrapAdminAsync(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value;
        var store = app.Services.GetRequiredService<PreferenceStore>();
        var output = options.Announcements ?? Console.Out;
        if (options.AdminToken is { } configured)
        {
            if (store.Annotators.Authenticate(configured) is null)
                await store.Annotators.CreateAsync("admin", AnnotatorRole.Admin, AnnotatorKind.Human, token: configured);
            return null;
        }
        if (store.Annotators.HasAdmin) return null;
        var issued = await store.Annotators.CreateAsync("admin", AnnotatorRole.Admin, AnnotatorKind.Human);
        await output.WriteLineAsync($"Admin token (shown once, keep it): {issued.Token}");
        return issued.Token;
    }

    private static void ConfigureRateLimits(RateLimiterOptions o, ServerOptions options)
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            // Per identity when authenticated, so a busy office behind one address is not throttled as one client.
            var key = context.User.Identity?.IsAuthenticated == true
                ? "id:" + context.User.AnnotatorId()
                : "ip:" + context.Connection.RemoteIpAddress;
            return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.RequestsPerSecondPerClient * 2,
                TokensPerPeriod = options.RequestsPerSecondPerClient,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        o.OnRejected = async (context, cancellationToken) =>
        {
            var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails = new ProblemDetails
                {
                    Status = 429, Title = "Too many requests",
                    Detail = $"more than {options.RequestsPerSecondPerClient} requests per second; slow down and retry",
                },
            });
        };
    }

    private static void MapUi(WebApplication app, ServerOptions options)
    {
        var dist = UiFiles.Locate(options.UiDirectory);
        if (dist is null)
        {
            app.MapGet("/", () => Results.Content(UiFiles.NotBuiltPage, "text/html")).ExcludeFromDescription();
            return;
        }
        var files = new PhysicalFileProvider(dist);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
    }
}
