using System.ComponentModel.DataAnnotations;

namespace KnowledgePortal.Core.Access;

/// <summary>Personal API tokens (section "Tokens").</summary>
public sealed class ApiTokenOptions
{
    public const string Section = "Tokens";
    /// <summary>The longest lifetime a token may be given, in days; every token expires.</summary>
    [Range(1, 3650)] public int MaxDays { get; set; } = 90;
    /// <summary>The lifetime when none is asked for (the command line without --days, the page's first choice).</summary>
    [Range(1, 3650)] public int DefaultDays { get; set; } = 30;
    /// <summary>Tokens one user may hold that are neither expired nor revoked.</summary>
    [Range(1, 1000)] public int MaxActivePerUser { get; set; } = 20;
}
