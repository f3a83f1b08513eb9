using KnowledgePortal.Core.Hosting;

namespace KnowledgePortal.Web.Hosting;

public static class RateLimitSetup
{
    /// <summary>The "Portal" settings and the per-user budget for questions and uploads they set (<see cref="UserRateLimiter"/>).</summary>
    public static IHostApplicationBuilder AddPortalRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<PortalOptions>(PortalOptions.Section);
        builder.Services.AddSingleton(sp =>
        {
            var portal = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalOptions>>().Value;
            return new UserRateLimiter(portal.AskPerMinutePerUser, portal.UploadsPerMinutePerUser);
        });
        return builder;
    }
}
