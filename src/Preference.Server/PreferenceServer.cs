using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.SignalR;
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
using Preference.Server.Security;
using Preference.Server.Ui;
using Preference.Store;
using Preference.Store.Identity;

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
        // The authentication base class logs two information lines per rejected token (failure, then challenge);
        // the handler writes the one warning line a rejected token deserves.
        builder.Logging.AddFilter(typeof(TokenAuthenticationHandler).FullName, LogLevel.Warning);
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(_ => PreferenceStore.Open(options.DataDirectory));

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            PreferenceJson.Configure(o.SerializerOptions);
            // A JSON null where a request record declares a non-nullable member ("taskId": null) is a 400 naming
            // the member, not a null reference deep inside a handler.
            o.SerializerOptions.RespectNullableAnnotations = true;
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StoreExceptionHandler>();
        builder.Services.AddOpenApi();

        builder.Services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(nameof(AnnotatorRole.Admin)))
            .AddPolicy(Policies.Annotate, p => p.RequireRole(nameof(AnnotatorRole.Admin), nameof(AnnotatorRole.Annotator)))
            .AddPolicy(Policies.Publisher, p => p.RequireRole(nameof(AnnotatorRole.Admin), nameof(AnnotatorRole.Trainer)))
            .AddPolicy(Policies.Reviewer, p => p.RequireRole(nameof(AnnotatorRole.Admin), nameof(AnnotatorRole.Reviewer)));
        builder.Services.AddRateLimiter(o => ConfigureRateLimits(o, options));
        builder.Services.AddSignalR(o => o.AddFilter<LiveTokenFilter>()).AddJsonProtocol(o => PreferenceJson.Configure(o.PayloadSerializerOptions));
        builder.Services.AddHostedService<ProgressBroadcaster>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSecurityHeaders();
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
        app.MapQueueOrderEndpoints();
        app.MapReviewEndpoints();
        app.MapRunEndpoints();
        app.MapHub<CampaignProgressHub>(CampaignProgressHub.Path);
        app.MapHub<TrainingHub>(TrainingHub.Path);
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Opens the store and installs the bootstrap admin (<see cref="AnnotatorDirectory.BootstrapAdminId"/>). With a
    /// configured token, that admin's token becomes it: a restart with another <c>--admin-token</c> replaces the old
    /// one, which stops working. Without one, a store with no working admin gets a new token printed once. Returns
    /// the printed token (null if none was generated).
    /// </summary>
    public static async Task<string?> BootstrapAdminAsync(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value;
        var store = app.Services.GetRequiredService<PreferenceStore>();
        var output = options.Announcements ?? Console.Out;
        var bootstrap = store.Annotators.Get(AnnotatorDirectory.BootstrapAdminId);
        if (bootstrap is not null && bootstrap.Role != AnnotatorRole.Admin)
            throw new InvalidOperationException($"annotator '{AnnotatorDirectory.BootstrapAdminId}' exists but is not an admin; the bootstrap admin cannot be installed");
        if (options.AdminToken is { } configured)
        {
            var holder = store.Annotators.Authenticate(configured);
            if (holder?.Id == AnnotatorDirectory.BootstrapAdminId) return null;
            if (holder is not null)
                throw new InvalidOperationException($"the configured admin token already belongs to annotator '{holder.Id}'; choose another");
            if (bootstrap is null)
                await store.Annotators.CreateAsync("admin", AnnotatorRole.Admin, AnnotatorKind.Human, token: configured, id: AnnotatorDirectory.BootstrapAdminId);
            else
                await store.Annotators.RotateAsync(AnnotatorDirectory.BootstrapAdminId, configured);
            return null;
        }
        if (store.Annotators.HasAdmin) return null;
        var issued = bootstrap is null
            ? await store.Annotators.CreateAsync("admin", AnnotatorRole.Admin, AnnotatorKind.Human, id: AnnotatorDirectory.BootstrapAdminId)
            : await store.Annotators.RotateAsync(AnnotatorDirectory.BootstrapAdminId);
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
            // When to come back: the limiter knows when the bucket refills; a second is the bucket's period otherwise.
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
            context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
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
