using System.ComponentModel.DataAnnotations;
using System.Net;
using KnowledgePortal.Core.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Hosting;

/// <summary>
/// The reverse proxies (TLS terminators) whose X-Forwarded-For/-Proto/-Host the portal believes. Empty, the default:
/// nobody is trusted, not even loopback (ASP.NET Core's own default trusts loopback), and the headers are ignored.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";
    /// <summary>Proxy addresses, e.g. "10.0.0.5".</summary>
    public List<string> KnownProxies { get; set; } = [];
    /// <summary>Proxy networks in CIDR form, e.g. "10.0.0.0/24" (a load balancer pool, a Kubernetes pod network).</summary>
    public List<string> KnownNetworks { get; set; } = [];
    /// <summary>How many proxies in a row may append to X-Forwarded-For.</summary>
    [Range(1, 10)] public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<string> Problems() =>
        KnownProxies.Where(p => !IPAddress.TryParse(p, out _)).Select(p => $"ForwardedHeaders:KnownProxies: '{p}' is not an IP address")
            .Concat(KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _))
                .Select(n => $"ForwardedHeaders:KnownNetworks: '{n}' is not a CIDR network such as 10.0.0.0/24"));
}

public static class ForwardedHeadersSetup
{
    public static IHostApplicationBuilder AddPortalForwardedHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ForwardedHeadersSettings>(ForwardedHeadersSettings.Section);
        builder.Services.AddSingleton<IValidateOptions<ForwardedHeadersSettings>, Validator>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((o, settings) =>
        {
            var s = settings.Value;
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.ForwardLimit = s.ForwardLimit;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var p in s.KnownProxies) if (IPAddress.TryParse(p, out var ip)) o.KnownProxies.Add(ip);
            foreach (var n in s.KnownNetworks) if (System.Net.IPNetwork.TryParse(n, out var net)) o.KnownIPNetworks.Add(net);
        });
        return builder;
    }

    /// <summary>Names each entry that does not parse (a static message could not).</summary>
    private sealed class Validator : IValidateOptions<ForwardedHeadersSettings>
    {
        public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    /// <summary>
    /// First in the pipeline, so that behind a trusted TLS proxy the request is https before HSTS, cookies (Secure when
    /// the request is https), redirects and sign-in callbacks look at it. Off when no proxy is configured.
    /// </summary>
    public static IApplicationBuilder UsePortalForwardedHeaders(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value.Enabled ? app.UseForwardedHeaders() : app;
}
