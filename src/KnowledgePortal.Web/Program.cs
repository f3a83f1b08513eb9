using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Insights;
using KnowledgePortal.Core.Lab;
using KnowledgePortal.Web.Api;
using KnowledgePortal.Web.Auth;
using KnowledgePortal.Web.Cli;
using KnowledgePortal.Web.Components;
using KnowledgePortal.Web.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

// A child process reading one file for the ingestion worker (killed when its time is up); see IsolatedExtraction.
if (args is [ExtractionHost.Command]) return await IsolatedExtraction.ServeAsync(Console.OpenStandardInput(), Console.OpenStandardOutput());
if (PortalCli.IsCommand(args)) return await PortalCli.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddPortalForwardedHeaders();
builder.AddPortalDatabase();
builder.AddPortalServices();
builder.Services.AddPortalAdministration();
builder.Services.AddPortalInsights();
builder.Services.AddPortalModelLab();
builder.AddPortalAuthentication();
builder.AddPortalUi();
builder.Services.AddValidatedOptions<PortalOptions>(PortalOptions.Section);
builder.Services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
builder.Services.AddOpenApi();

var app = builder.Build();
try
{
    // Validate every bound options class now, so a bad setting stops the start with one line (not a logged stack trace).
    app.Services.GetRequiredService<IStartupValidator>().Validate();
    var seedDemo = args.Contains("--seed-demo") || app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.SeedDemo;
    await app.Services.InitializeDatabaseAsync(seedDemo);
    await app.Services.GetRequiredService<ProviderCatalog>().SyncFromConfigurationAsync();
    await app.Services.GetRequiredService<EmbeddingIndexManager>().EnsureIndexAsync();
    if (seedDemo) await app.Services.SeedDemoDocumentsAsync();
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine(OptionsExtensions.Describe(ex));
    return 1;
}
catch (AggregateException ex) when (OptionsExtensions.IsConfigurationError(ex))
{
    Console.Error.WriteLine(OptionsExtensions.Describe(ex.InnerExceptions.Cast<OptionsValidationException>()));
    return 1;
}

var mode = app.Services.GetRequiredService<IOptions<KnowledgePortal.Web.Hosting.AuthenticationOptions>>().Value.Mode!.Value; // validated above
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
    if (app.Services.GetRequiredService<EmbeddingClearance>().Rule(app.Services.GetRequiredService<KnowledgePortal.Core.Ingestion.EmbeddingModelInfo>().ModelId) is { } rule)
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
