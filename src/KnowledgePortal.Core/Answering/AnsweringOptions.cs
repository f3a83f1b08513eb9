using System.ComponentModel.DataAnnotations;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Core.Answering;

public sealed class AnsweringOptions
{
    public const string Section = "Answering";

    /// <summary>Profile used when the user does not choose one (name). Empty: the first default-flagged profile.</summary>
    public string? DefaultProvider { get; set; }
    [Range(1, 600)] public int RequestTimeoutSeconds { get; set; } = 60;
    /// <summary>Chat turns kept for rewriting follow-up questions.</summary>
    [Range(0, 50)] public int HistoryTurns { get; set; } = 6;
    /// <summary>How questions are kept in the audit trail: Full, Redacted (digits and e-mail addresses masked) or None.</summary>
    public QuestionAuditMode AuditQuestions { get; set; } = QuestionAuditMode.Full;
    /// <summary>Provider profiles from configuration; synchronised into the database at start (admins may add more in the UI).</summary>
    public List<ProviderProfileSettings> Providers { get; set; } = [];
}

public enum QuestionAuditMode { Full, Redacted, None }

public sealed class ProviderProfileSettings
{
    [Required] public string Name { get; set; } = "";
    public ProviderKind Kind { get; set; } = ProviderKind.OpenAICompatible;
    public string? Endpoint { get; set; }
    public string? Model { get; set; }
    /// <summary>Setting that holds the API key: Providers:Keys:NAME or KP_PROVIDER_KEY_NAME only (<see cref="Access.ProviderKeys.SettingPrefixes"/>).</summary>
    public string? ApiKeySetting { get; set; }
    public ProviderLocation Location { get; set; } = ProviderLocation.OnPremises;
    public SensitivityLabel MaxSensitivity { get; set; } = SensitivityLabel.Internal;
    public decimal InputPricePerMillion { get; set; }
    public decimal OutputPricePerMillion { get; set; }
    public float Temperature { get; set; } = 0.1f;
    public float TopP { get; set; } = 1f;
    public int MaxOutputTokens { get; set; } = 800;
    public int ContextWindow { get; set; } = 8192;
    public bool Enabled { get; set; } = true;
    public bool IsDefault { get; set; }
}
