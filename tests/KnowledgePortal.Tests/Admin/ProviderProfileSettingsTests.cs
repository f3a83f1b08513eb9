using System.Reflection;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Tests.Admin;

/// <summary>One settings record for configured and admin-entered provider profiles: one set of defaults, one endpoint rule.</summary>
public class ProviderProfileSettingsTests
{
    [Theory]
    [InlineData("http://localhost:11434/v1", ProviderLocation.OnPremises)]
    [InlineData("http://10.1.2.3:8000/v1", ProviderLocation.OnPremises)]
    [InlineData("https://api.openai.com/v1", ProviderLocation.Cloud)]
    [InlineData(null, ProviderLocation.Cloud)]
    public void Location_NotSet_FollowsTheEndpoint(string? endpoint, ProviderLocation expected)
    {
        Assert.Equal(expected, new ProviderProfileSettings { Endpoint = endpoint }.Location);
        Assert.Equal(expected, new ProviderProfileInput { Endpoint = endpoint }.Location);
    }

    [Fact]
    public void Location_Set_KeptWhateverTheEndpoint()
    {
        var settings = new ProviderProfileSettings { Location = ProviderLocation.Cloud, Endpoint = "http://127.0.0.1:8000/v1" };

        Assert.Equal(ProviderLocation.Cloud, settings.Location);
        settings.Endpoint = "https://example.com/v1";
        settings.Location = ProviderLocation.OnPremises;
        Assert.Equal(ProviderLocation.OnPremises, settings.Location);
    }

    [Fact]
    public void Defaults_ConfigurationAndAdminForm_Agree()
    {
        var configured = new ProviderProfileSettings();
        var form = new ProviderProfileInput();
        foreach (var property in typeof(ProviderProfileSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            Assert.Equal(property.GetValue(configured), property.GetValue(form));
        Assert.Equal(ProviderLocation.Cloud, configured.Location);
    }

    [Theory]
    [InlineData(ProviderKind.Extractive, false)]
    [InlineData(ProviderKind.OpenAI, false)]
    [InlineData(ProviderKind.AzureOpenAI, true)]
    [InlineData(ProviderKind.OpenAICompatible, true)]
    public void RequiresEndpoint_Kind_TheRuleValidationUses(ProviderKind kind, bool required)
    {
        Assert.Equal(required, ProviderProfileSettings.RequiresEndpoint(kind));
        Assert.Equal(required, ProviderProfileSettings.LacksEndpoint(kind, "  "));
        Assert.False(ProviderProfileSettings.LacksEndpoint(kind, "http://localhost:8000/v1"));
        var settings = new ProviderProfileSettings { Name = "x", Kind = kind, Model = "m" };
        Assert.Equal(required, settings.Validate().Contains("EndpointRequired"));
    }

    [Fact]
    public void ApplyTo_Settings_TrimsAndCopiesEverySetting()
    {
        var settings = new ProviderProfileSettings
        {
            Name = " Local ", Endpoint = " http://localhost:8000/v1 ", Model = " llama ", ApiKeySetting = " ", MaxSensitivity = SensitivityLabel.Secret,
            InputPricePerMillion = 1, OutputPricePerMillion = 2, Temperature = 0.5f, TopP = 0.9f, MaxOutputTokens = 100, ContextWindow = 4096, IsDefault = true,
        };
        var profile = new ProviderProfile { Name = "" };

        settings.ApplyTo(profile);

        Assert.Equal(("Local", "http://localhost:8000/v1", "llama", (string?)null), (profile.Name, profile.Endpoint, profile.Model, profile.ApiKeySetting));
        Assert.Equal(ProviderLocation.OnPremises, profile.Location);
        Assert.Equal((SensitivityLabel.Secret, 1m, 2m, 0.5f, 0.9f, 100, 4096, true, true),
            (profile.MaxSensitivity, profile.InputPricePerMillion, profile.OutputPricePerMillion, profile.Temperature, profile.TopP,
             profile.MaxOutputTokens, profile.ContextWindow, profile.Enabled, profile.IsDefault));
    }
}
