using System.Globalization;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;

namespace KnowledgePortal.Web.Hosting;

public static class UiSetup
{
    public static readonly string[] Cultures = ["en", "ja"];

    public static WebApplicationBuilder AddPortalUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        // Secure whenever the request is https, directly or via a trusted proxy (ForwardedHeadersSetup).
        builder.Services.Configure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(o => o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest);
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = Cultures.Select(c => new CultureInfo(c)).ToList();
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.FallBackToParentUICultures = true;
        });
        return builder;
    }

    /// <summary>Sets the culture cookie and goes back; the Blazor circuit picks the culture up on reload.</summary>
    public static IEndpointRouteBuilder MapCultureEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/set", (HttpContext http, string culture, string? redirectUri) =>
        {
            if (!Cultures.Contains(culture)) culture = "en";
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true, Secure = http.Request.IsHttps });
            var target = !string.IsNullOrEmpty(redirectUri) && redirectUri.StartsWith('/') && !redirectUri.StartsWith("//") ? redirectUri : "/";
            return Results.LocalRedirect(target);
        }).AllowAnonymous();
        return app;
    }
}

public static class SecurityHeaders
{
    /// <summary>CSP allows only our own scripts; MudBlazor needs inline styles. Frames: only our own PDF viewer.</summary>
    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app, string? extraFormAction = null) =>
        app.Use(async (context, next) =>
        {
            var h = context.Response.Headers;
            h["Content-Security-Policy"] =
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
                "connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; object-src 'none'; base-uri 'self'; " +
                $"form-action 'self'{(extraFormAction is null ? "" : " " + extraFormAction)}";
            h["X-Content-Type-Options"] = "nosniff";
            h["X-Frame-Options"] = "SAMEORIGIN";
            h["Referrer-Policy"] = "no-referrer";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            // Chromium then sends the system theme with later requests, so even a first page can render dark (ThemePreference).
            h["Accept-CH"] = Components.Layout.ThemePreference.ClientHint;
            h.Append("Vary", Components.Layout.ThemePreference.ClientHint);
            await next();
        });
}
