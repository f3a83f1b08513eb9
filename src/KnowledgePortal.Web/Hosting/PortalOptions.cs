using System.ComponentModel.DataAnnotations;

namespace KnowledgePortal.Web.Hosting;

public sealed class PortalOptions
{
    public const string Section = "Portal";
    /// <summary>Seed the demo groups, collections and documents at start (also enabled by --seed-demo).</summary>
    public bool SeedDemo { get; set; }
    [Range(1, 10_000)] public int AskPerMinutePerUser { get; set; } = 20;
    [Range(1, 10_000)] public int UploadsPerMinutePerUser { get; set; } = 60;
}
