using System.Globalization;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Text;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Web;
using KnowledgePortal.Web.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>The format registry and what is derived from it: content types, the upload accept list, sniffing, the supported-formats message.</summary>
public class DocumentFormatsTests
{
    /// <summary>Corpus files whose content is not the format their name says: refused by type before any reader runs.</summary>
    private static readonly Dictionary<string, string> RefusedByType = new()
    {
        ["enc_docx_pw_tika.docx"] = FileSniffer.OleEncrypted,
        ["enc_xlsx_pw_tika.xlsx"] = FileSniffer.OleEncrypted,
        ["bad_truncated.docx"] = FileSniffer.Zip,
        ["bad_truncated_763b.docx"] = FileSniffer.Zip,
        ["bad_empty_zip.xlsx"] = FileSniffer.Zip,
    };

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(RepoPaths.TestFile("corpus")).Order(StringComparer.Ordinal))
            if (Path.GetFileName(path) != "LICENSES.tsv") data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void All_Entries_HaveDistinctNamesAndExtensions()
    {
        Assert.Equal(DocumentFormats.All.Count, DocumentFormats.All.Select(f => f.Name).Distinct().Count());
        var extensions = DocumentFormats.All.SelectMany(f => f.Extensions).ToList();
        Assert.Equal(extensions.Count, extensions.Distinct().Count());
        Assert.DoesNotContain(DocumentFormats.All, f => f.Name is FileSniffer.Zip or FileSniffer.Ole or FileSniffer.OleEncrypted or FileSniffer.Unknown);
    }

    [Fact]
    public void ContentTypeOf_EveryRegistryExtension_IsItsFormatsContentType()
    {
        foreach (var format in DocumentFormats.All)
        foreach (var extension in format.Extensions)
        {
            Assert.Equal(format.ContentType, DocumentFormats.ContentTypeOf("report" + extension));
            Assert.Equal(format.ContentType, DocumentFormats.ContentTypeOf("REPORT" + extension.ToUpperInvariant()));
            Assert.Same(format, DocumentFormats.ByExtension("a.b" + extension));
        }
        Assert.Equal(DocumentFormats.UnknownContentType, DocumentFormats.ContentTypeOf("photo.gif"));
        Assert.Equal(DocumentFormats.UnknownContentType, DocumentFormats.ContentTypeOf("noextension"));
    }

    [Fact]
    public void AcceptList_Split_IsEveryRegistryExtension()
    {
        Assert.Equal(DocumentFormats.All.SelectMany(f => f.Extensions), DocumentFormats.AcceptList.Split(','));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Detect_CorpusFile_PicksTheEntryOfItsExtensionUnlessRefusedByType(string file)
    {
        var detected = FileSniffer.Detect(Corpus(file), file);

        if (RefusedByType.TryGetValue(file, out var refused)) Assert.Equal(refused, detected);
        else Assert.Equal(DocumentFormats.ByExtension(file)?.Name, detected);
    }

    [Theory]
    [InlineData("image.png", "Ingestion.TypeMismatch")]
    [InlineData("noextension", "Ingestion.UnknownType")]
    [InlineData("binary.txt", "Ingestion.NotText")]
    public void Extract_UnrecognisedFile_MessageListsEveryRegistryFormat(string fileName, string code)
    {
        var ex = AssertFails(ExtractionFailure.Unsupported, () => Extract([0x01, 0x02, 0x03, 0x00, 0xFF, 0xFE, 0x00, 0x00], fileName));

        Assert.Equal(code, ex.Detail.Code);
        Assert.Equal(DocumentFormats.SupportedList, ex.Detail.Args[IngestionMessages.FormatsArgument]);
        Assert.All(DocumentFormats.All, f => Assert.Contains(f.Extensions[0], ex.Message));
    }

    [Fact]
    public void Message_JapaneseReaderOfAReasonStoredWithoutTheFormats_SeesTodaysList()
    {
        var localizer = new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }),
            NullLoggerFactory.Instance).Create(typeof(SharedResource));
        var fresh = IngestionMessages.UnknownType();
        var stored = PortalMessage.FromStored(fresh.Code, null, "The type of this file could not be recognised. Supported formats: .docx.")!;
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ja");
        try
        {
            Assert.Contains(DocumentFormats.SupportedList, localizer.Message(fresh));
            Assert.Contains(DocumentFormats.SupportedList, localizer.Message(stored));
            Assert.DoesNotContain("{formats}", localizer.Message(stored));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
