using System.Runtime.CompilerServices;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>Helpers shared by the docx / xlsx / pptx extractors.</summary>
internal static class OoxmlCommon
{
    public const string MarkupCompatibilityNs = "http://schemas.openxmlformats.org/markup-compatibility/2006";

    public static OpenSettings Settings(ExtractionLimits limits) => new()
    {
        AutoSave = false,
        MaxCharactersInPart = limits.MaxCharactersInPart,
    };

    public static Stream ReadOnlyStream(byte[] content) => new MemoryStream(content, writable: false);

    public static bool IsAlternateContent(OpenXmlElement e) =>
        e.LocalName == "AlternateContent" && e.NamespaceUri == MarkupCompatibilityNs;

    /// <summary>
    /// The branch of an mc:AlternateContent to read: the first mc:Choice, else mc:Fallback. Reading both would
    /// duplicate text (a text box is stored once as DrawingML and once as VML).
    /// </summary>
    public static OpenXmlElement? PreferredBranch(OpenXmlElement alternateContent) =>
        alternateContent.ChildElements.FirstOrDefault(c => c.LocalName == "Choice")
        ?? alternateContent.ChildElements.FirstOrDefault(c => c.LocalName == "Fallback");

    /// <summary>Guards recursive walks against deeply nested (hostile) markup.</summary>
    public static void EnsureStack() => RuntimeHelpers.EnsureSufficientExecutionStack();

    public static string? Title(OpenXmlPackage package)
    {
        try
        {
            var title = package.PackageProperties.Title;
            return string.IsNullOrWhiteSpace(title) ? null : title;
        }
        catch (Exception e) when (e is InvalidOperationException or System.Xml.XmlException or IOException)
        {
            return null;
        }
    }
}
