using System.ComponentModel.DataAnnotations;

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
    public List<Access.ProviderProfileSettings> Providers { get; set; } = [];
}

public enum QuestionAuditMode { Full, Redacted, None }
