using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Admin;

[Trait(TestTier.Name, TestTier.Db)]
public class ProviderAdministrationTests
{
    private const string PlainKey = "sk-test-7f3a9c1e5b2d4f6a8c0e";

    private static ProviderProfileInput Cloud(string name = "Cloud GPT") => new()
    {
        Name = name, Kind = ProviderKind.OpenAICompatible, Endpoint = "https://llm.example.com/v1", Model = "gpt-test",
        Location = ProviderLocation.Cloud, MaxSensitivity = SensitivityLabel.Internal, InputPricePerMillion = 0.15m,
        OutputPricePerMillion = 0.6m, Temperature = 0.2f, TopP = 0.9f, MaxOutputTokens = 1000, ContextWindow = 128_000,
    };

    [Fact]
    public async Task SetApiKey_PlainKey_StoredEncryptedAndNeverAudited()
    {
        await using var world = await AdminWorld.CreateAsync("provkey");
        var saved = await world.Admin.SaveProviderAsync(world.AdminActor, Cloud());
        Assert.True(saved.Succeeded, saved.Error);

        var result = await world.Admin.SetApiKeyAsync(world.AdminActor, saved.Value, PlainKey);

        Assert.True(result.Succeeded, result.Error);
        await using var db = world.Db.CreateContext();
        var profile = await db.ProviderProfiles.AsNoTracking().SingleAsync(p => p.Id == saved.Value);
        Assert.NotNull(profile.ProtectedApiKey);
        Assert.NotEqual(PlainKey, profile.ProtectedApiKey);
        Assert.DoesNotContain(PlainKey, profile.ProtectedApiKey);
        Assert.Equal(PlainKey, ProviderKeys.Unprotect(world.DataProtection, profile));
        var audit = await world.AllAuditTextAsync();
        Assert.Contains("key-set", audit);
        Assert.DoesNotContain(PlainKey, audit);
        Assert.DoesNotContain(profile.ProtectedApiKey, audit);
        var view = Assert.Single(await world.Admin.ListProvidersAsync(world.AdminActor), p => p.Id == saved.Value);
        Assert.True(view.KeySet);
    }

    [Fact]
    public async Task SaveProvider_EndpointChanged_ClearsStoredKey()
    {
        await using var world = await AdminWorld.CreateAsync("provendpoint");
        var saved = await world.Admin.SaveProviderAsync(world.AdminActor, Cloud());
        await world.Admin.SetApiKeyAsync(world.AdminActor, saved.Value, PlainKey);
        var sameEndpoint = Cloud();
        sameEndpoint.Id = saved.Value;
        sameEndpoint.Temperature = 0.5f;
        await world.Admin.SaveProviderAsync(world.AdminActor, sameEndpoint);
        Assert.True((await world.Admin.ListProvidersAsync(world.AdminActor)).Single(p => p.Id == saved.Value).KeySet);

        var moved = Cloud();
        moved.Id = saved.Value;
        moved.Endpoint = "https://elsewhere.example.net/v1";
        var result = await world.Admin.SaveProviderAsync(world.AdminActor, moved);

        Assert.True(result.Succeeded, result.Error);
        var view = (await world.Admin.ListProvidersAsync(world.AdminActor)).Single(p => p.Id == saved.Value);
        Assert.False(view.KeySet);
        Assert.Equal("https://elsewhere.example.net/v1", view.Endpoint);
        Assert.DoesNotContain(PlainKey, await world.AllAuditTextAsync());
    }

    [Theory]
    [InlineData("ConnectionStrings:Portal")]
    [InlineData("AzureAd:ClientSecret")]
    [InlineData("Authentication:Oidc:ClientSecret")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("Providers:Keys:")]
    [InlineData("Providers:Keys:../ConnectionStrings:Portal")]
    public async Task SaveProvider_ApiKeySettingOutsideDedicatedPrefix_IsRefused(string setting)
    {
        await using var world = await AdminWorld.CreateAsync("provsetting");
        var input = Cloud();
        input.ApiKeySetting = setting;

        var result = await world.Admin.SaveProviderAsync(world.AdminActor, input);

        Assert.False(result.Succeeded);
        Assert.Contains("ApiKeySettingNotAllowed", input.Validate());
        Assert.DoesNotContain(await world.Admin.ListProvidersAsync(world.AdminActor), p => p.Name == input.Name);
    }

    [Fact]
    public void ResolveApiKey_StoredProfileNamingConnectionString_SendsNothing()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = "Host=db;Password=hunter2", ["Providers:Keys:OpenAI"] = "sk-allowed", ["KP_PROVIDER_KEY_LOCAL"] = "sk-env",
        }).Build();

        Assert.Null(ProviderKeys.FromSetting(configuration, "ConnectionStrings:Portal"));
        Assert.Equal("sk-allowed", ProviderKeys.FromSetting(configuration, "Providers:Keys:OpenAI"));
        Assert.Equal("sk-env", ProviderKeys.FromSetting(configuration, "KP_PROVIDER_KEY_LOCAL"));
    }

    [Fact]
    public async Task SaveProvider_ConfidentialProfileEndpointChanged_ClearsSettingAndAuditsAsConfidential()
    {
        await using var world = await AdminWorld.CreateAsync("provconf");
        var input = Cloud();
        input.Location = ProviderLocation.OnPremises;
        input.MaxSensitivity = SensitivityLabel.Confidential;
        input.ApiKeySetting = "Providers:Keys:Local";
        var saved = await world.Admin.SaveProviderAsync(world.AdminActor, input);
        Assert.True(saved.Succeeded, saved.Error);

        input.Id = saved.Value;
        input.Endpoint = "https://attacker.example.org/v1";
        Assert.True((await world.Admin.SaveProviderAsync(world.AdminActor, input)).Succeeded);

        var view = (await world.Admin.ListProvidersAsync(world.AdminActor)).Single(p => p.Id == saved.Value);
        Assert.Null(view.ApiKeySetting);
        var audit = Assert.Single(await world.AuditAsync(AccessAdministration.ConfidentialEndpointChange));
        Assert.Contains("attacker.example.org", audit.Details);
        Assert.Contains("Confidential", audit.Details);

        // The HR manager of a Confidential collection is told on the Documents page; a reader who manages nothing is not.
        await using (var db = world.Db.CreateContext())
            await db.Collections.Where(c => c.Id == world.HrPolicies).ExecuteUpdateAsync(c => c.SetProperty(x => x.Sensitivity, SensitivityLabel.Confidential));
        var library = new KnowledgePortal.Core.Library.DocumentLibrary(world.Db.DataSource, world.Db.Factory,
            Microsoft.Extensions.Options.Options.Create(new KnowledgePortal.Core.Ingestion.IngestionOptions()));
        var notice = Assert.Single(await library.ProviderNoticesAsync(world.HrActor));
        Assert.Equal((input.Name, "https://attacker.example.org/v1", "admin"), (notice.Profile, notice.Endpoint, notice.Admin));
        Assert.Empty(await library.ProviderNoticesAsync(world.HrActor with { ManagedCollectionIds = [] }));
    }

    [Fact]
    public async Task SaveProvider_MadeDefault_ClearsOtherDefault()
    {
        await using var world = await AdminWorld.CreateAsync("provdefault");
        var input = Cloud();
        input.IsDefault = true;

        var saved = await world.Admin.SaveProviderAsync(world.AdminActor, input);

        Assert.True(saved.Succeeded, saved.Error);
        var providers = await world.Admin.ListProvidersAsync(world.AdminActor);
        Assert.Equal([saved.Value], providers.Where(p => p.IsDefault).Select(p => p.Id));
        Assert.Equal(AdminErrors.ProviderIsDefault, (await world.Admin.DeleteProviderAsync(world.AdminActor, saved.Value)).Error);
    }

    [Theory]
    [InlineData("https://user:pass@llm.example.com/v1")]
    [InlineData("https://llm.example.com/v1?api-key=secret")]
    [InlineData("ftp://llm.example.com")]
    [InlineData("not a url")]
    public async Task SaveProvider_UnsafeEndpoint_IsRefused(string endpoint)
    {
        await using var world = await AdminWorld.CreateAsync("provbad");
        var input = Cloud();
        input.Endpoint = endpoint;

        var result = await world.Admin.SaveProviderAsync(world.AdminActor, input);

        Assert.Equal(AdminErrors.InvalidProviderSettings, result.Error);
        Assert.DoesNotContain(endpoint, await world.AllAuditTextAsync());
    }

    [Fact]
    public void Validate_OutOfRangeSettings_ReportsEachProblem()
    {
        var input = Cloud();
        input.Temperature = 3;
        input.TopP = 0;
        input.MaxOutputTokens = 0;
        input.InputPricePerMillion = -1;
        input.Model = null;

        var problems = input.Validate();

        Assert.Equal(5, problems.Count);
        Assert.Empty(Cloud().Validate());
    }
}
