using System.Threading.RateLimiting;
using KnowledgePortal.Web.Auth;

namespace KnowledgePortal.Web.Hosting;

public static class PortalServices
{
    public const string AskRateLimit = "ask";
    public const string UploadRateLimit = "upload";

    /// <summary>Core capabilities: ingestion, retrieval, answering; and per-user rate limits.</summary>
    public static IHostApplicationBuilder AddPortalServices(this IHostApplicationBuilder builder)
    {
        var portal = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(AskRateLimit, http => PerUser(http, portal.AskPerMinutePerUser));
            o.AddPolicy(UploadRateLimit, http => PerUser(http, portal.UploadsPerMinutePerUser));
        });
        return builder;
    }

    private static RateLimitPartition<string> PerUser(HttpContext http, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(http.User.FindFirst(PortalClaims.UserName)?.Value ?? http.User.Identity?.Name ?? "anonymous",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) });

    public static Task SeedDemoDocumentsAsync(this IServiceProvider services) => Task.CompletedTask;
}
