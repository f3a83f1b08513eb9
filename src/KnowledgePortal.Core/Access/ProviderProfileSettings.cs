using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Access;

/// <summary>
/// The editable settings of a provider profile, with one set of defaults and one set of rules, whether they come from
/// configuration (<c>Answering:Providers</c>, seeded into the database) or from the admin page
/// (<see cref="ProviderProfileInput"/>). The API key is not here: it is set separately and write-only.
/// </summary>
public class ProviderProfileSettings
{
    private ProviderLocation? _location;

    public string Name { get; set; } = "";
    public ProviderKind Kind { get; set; } = ProviderKind.OpenAICompatible;
    public string? Endpoint { get; set; }
    public string? Model { get; set; }
    /// <summary>Setting that holds the API key: Providers:Keys:NAME or KP_PROVIDER_KEY_NAME only (<see cref="ProviderKeys.SettingPrefixes"/>).</summary>
    public string? ApiKeySetting { get; set; }

    /// <summary>
    /// Where the model runs. Until set, it follows the endpoint (<see cref="SuggestedLocation"/>): On-premises for a
    /// loopback or private address, Cloud otherwise (also when there is no endpoint), so a profile is never presumed
    /// on-premises (cleared for more) merely because nobody said where it runs.
    /// </summary>
    public ProviderLocation Location
    {
        get => _location ?? SuggestedLocation(Endpoint);
        set => _location = value;
    }

    public SensitivityLabel MaxSensitivity { get; set; } = SensitivityLabel.Internal;
    public decimal InputPricePerMillion { get; set; }
    public decimal OutputPricePerMillion { get; set; }
    public float Temperature { get; set; } = ProviderDefaults.Temperature;
    public float TopP { get; set; } = ProviderDefaults.TopP;
    public int MaxOutputTokens { get; set; } = ProviderDefaults.MaxOutputTokens;
    public int ContextWindow { get; set; } = ProviderDefaults.ContextWindow;
    public bool Enabled { get; set; } = true;
    public bool IsDefault { get; set; }

    /// <summary>The one "endpoint required" rule: Azure OpenAI and OpenAI-compatible servers have no default address (OpenAI has; extractive needs none).</summary>
    public static bool RequiresEndpoint(ProviderKind kind) => kind is ProviderKind.AzureOpenAI or ProviderKind.OpenAICompatible;

    /// <summary>The rule above in words, for configuration errors.</summary>
    public const string EndpointRule = "Endpoint is required for AzureOpenAI and OpenAICompatible profiles";

    /// <summary>True when <see cref="RequiresEndpoint"/> applies and no endpoint is set.</summary>
    public static bool LacksEndpoint(ProviderKind kind, string? endpoint) => RequiresEndpoint(kind) && string.IsNullOrWhiteSpace(endpoint);

    /// <summary>The location a profile has until one is chosen: On-premises when its endpoint is on this network, else Cloud.</summary>
    public static ProviderLocation SuggestedLocation(string? endpoint) =>
        IsPrivateEndpoint(endpoint) ? ProviderLocation.OnPremises : ProviderLocation.Cloud;

    /// <summary>
    /// True when the endpoint's host is a loopback or private address or a local name: localhost, 127/8, ::1, 10/8,
    /// 172.16/12, 192.168/16, 169.254/16, fc00::/7, fe80::/10, *.local, *.localhost (IPv4-mapped IPv6 included).
    /// A host name that merely resolves to such an address is not looked up: the rule only sets a default.
    /// </summary>
    public static bool IsPrivateEndpoint(string? endpoint)
    {
        if (!Uri.TryCreate(endpoint?.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) return false;
        var host = uri.DnsSafeHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".local", StringComparison.OrdinalIgnoreCase)) return true;
        if (!System.Net.IPAddress.TryParse(host, out var ip)) return false;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (System.Net.IPAddress.IsLoopback(ip)) return true;
        var b = ip.GetAddressBytes();
        if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            return b[0] == 10 || b[0] == 127 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254);
        return (b[0] & 0xFE) == 0xFC || ip.IsIPv6LinkLocal;
    }

    /// <summary>Copies the settings onto a profile (trimmed; blanks become null). The key and the id are not settings.</summary>
    public void ApplyTo(ProviderProfile p)
    {
        p.Name = Name.Trim(); p.Kind = Kind; p.Endpoint = AccessAdministration.Clean(Endpoint); p.Model = AccessAdministration.Clean(Model);
        p.ApiKeySetting = AccessAdministration.Clean(ApiKeySetting);
        p.Location = Location; p.MaxSensitivity = MaxSensitivity; p.InputPricePerMillion = InputPricePerMillion; p.OutputPricePerMillion = OutputPricePerMillion;
        p.Temperature = Temperature; p.TopP = TopP; p.MaxOutputTokens = MaxOutputTokens; p.ContextWindow = ContextWindow; p.Enabled = Enabled; p.IsDefault = IsDefault;
    }

    /// <summary>
    /// Problems with the settings as codes (empty when valid): NameRequired, NameTooLong, UnknownValue,
    /// EndpointInvalid (not http(s), or has credentials, query or fragment: keys never go in the URL), EndpointRequired,
    /// ModelRequired, PriceRange, TemperatureRange, TopPRange, MaxOutputTokensRange, ContextWindowRange,
    /// MaxOutputTokensTooLarge. The UI shows them as "Provider" + code.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name)) problems.Add("NameRequired");
        else if (Name.Trim().Length > AccessAdministration.MaxNameLength) problems.Add("NameTooLong");
        if (!Enum.IsDefined(Kind) || !Enum.IsDefined(Location) || !Enum.IsDefined(MaxSensitivity)) problems.Add("UnknownValue");
        if (!string.IsNullOrWhiteSpace(Endpoint) &&
            (!Uri.TryCreate(Endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) ||
             !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)))
            problems.Add("EndpointInvalid");
        if (LacksEndpoint(Kind, Endpoint)) problems.Add("EndpointRequired");
        if (Kind != ProviderKind.Extractive && string.IsNullOrWhiteSpace(Model)) problems.Add("ModelRequired");
        if (!ProviderKeys.IsAllowedSetting(ApiKeySetting?.Trim())) problems.Add("ApiKeySettingNotAllowed");
        if (InputPricePerMillion < 0 || OutputPricePerMillion < 0 || InputPricePerMillion > 1_000_000 || OutputPricePerMillion > 1_000_000)
            problems.Add("PriceRange");
        if (!(Temperature >= 0 && Temperature <= 2)) problems.Add("TemperatureRange");
        if (!(TopP > 0 && TopP <= 1)) problems.Add("TopPRange");
        if (MaxOutputTokens is < 1 or > 1_000_000) problems.Add("MaxOutputTokensRange");
        if (ContextWindow is < 256 or > 10_000_000) problems.Add("ContextWindowRange");
        if (MaxOutputTokens >= ContextWindow) problems.Add("MaxOutputTokensTooLarge");
        return problems;
    }
}
