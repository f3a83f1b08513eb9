using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Hosting;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Web.Api;
using KnowledgePortal.Web.Auth;
using KnowledgePortal.Web.Cli;
using KnowledgePortal.Web.Components;
using KnowledgePortal.Web.Hosting;
using KnowledgePortal.Web.Mcp;
using KnowledgePortal.Web.Scim;
using Microsoft.Extensions.Options;

// A child process reading one file for the ingestion worker (killed when its time is up); see IsolatedExtraction.
if (args is [ExtractionHost.Command]) return await IsolatedExtraction.ServeAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error);
if (PortalCli.IsCommand(args)) return await PortalCli.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddPortalCore(ProcessRole.WebHost, typeof(Program).Assembly);
builder.AddPortalForwardedHeaders();
builder.AddPortalAuthentication();
builder.AddPortalUi();
builder.AddPortalRateLimits();
builder.AddPortalMcp();
builder.Services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
builder.Services.AddOpenApi();

var app = builder.Build();
var seed = args.Contains("--seed-demo") || app.Configuration.GetValue<bool>($"{PortalOptions.Section}:{nameof(PortalOptions.SeedDemo)}") ? DemoSeed.Full : DemoSeed.None;
if (await app.Services.InitializePortalAsync(seed) is { } configurationError)
{
    Console.Error.WriteLine(configurationError);
    return 1;
}

var mode = app.Services.GetRequiredService<IOptions<SignInOptions>>().Value.Mode!.Value; // validated above
app.UsePortalForwardedHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
    app.UseHsts();
}
app.UsePortalSecurityHeaders();
app.UseRequestLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
app.MapOpenApi().RequireAuthorization();
app.MapCultureEndpoint();
app.MapPortalAccountEndpoints(mode);
app.MapPortalApi();
app.MapTokenEndpoints();
app.MapPortalMcp();
app.MapScimEndpoints();
app.MapAdminEndpoints();
app.MapInsightsEndpoints();
app.MapLabEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var urls = string.Join(", ", app.Urls);
    Console.WriteLine(mode == SignInMode.Development
        ? $"KnowledgePortal is ready. Sign in at {urls} as one of the demo users: staff, hr, km or admin (Development sign-in, no password)."
        : $"KnowledgePortal is ready at {urls} (sign-in: {mode}).");
    if (app.Services.GetRequiredService<EmbeddingClearance>().Rule(app.Services.GetRequiredService<EmbeddingModelInfo>().ModelId) is { } rule)
        Console.WriteLine(rule);
});

try
{
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine(OptionsExtensions.Describe(ex));
    return 1;
}
