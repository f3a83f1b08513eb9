using System.Reflection;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Text;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Ingestion;

public class IngestionMessagesTests
{
    /// <summary>Every message the ingestion code can store: the named ones (sample arguments) and one per failure kind.</summary>
    private static IEnumerable<PortalMessage> AllMessages()
    {
        foreach (var method in typeof(IngestionMessages).GetMethods(BindingFlags.Public | BindingFlags.Static)
                     .Where(m => m.ReturnType == typeof(PortalMessage) && m.Name != nameof(IngestionMessages.ForKind)))
        {
            var args = method.GetParameters().Select(p => p.ParameterType == typeof(string) ? (object)"12" : p.ParameterType == typeof(long) ? (object)12L : (object)12).ToArray();
            yield return (PortalMessage)method.Invoke(null, args)!;
        }
        foreach (var kind in Enum.GetValues<ExtractionFailure>()) yield return IngestionMessages.ForKind(kind, "text");
        yield return DocumentIntake.TooLarge(3 * 1024 * 1024, 2);
    }

    private static Dictionary<string, (string En, string Ja)> Strings() =>
        File.ReadAllLines(Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Web", "Resources", "strings.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => (p[1], p[2]));

    [Fact]
    public void Codes_EveryIngestionMessage_HasEnglishAndJapaneseUiText()
    {
        var strings = Strings();
        var missing = AllMessages().Select(m => "Msg." + m.Code).Where(k => !strings.ContainsKey(k)).Distinct().ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Codes_NamedMessages_UiEnglishMatchesTheCoreTextAndJapaneseUsesTheSameArguments()
    {
        var strings = Strings();
        foreach (var message in AllMessages().Where(m => !Enum.GetNames<ExtractionFailure>().Any(k => m.Code == IngestionMessages.Prefix + k)))
        {
            var (en, ja) = strings["Msg." + message.Code];
            Assert.Equal(message.Text, PortalMessage.Fill(en, message.Args));
            Assert.DoesNotContain("{", PortalMessage.Fill(ja, message.Args));
        }
    }

    [Theory]
    [InlineData(ExtractionFailure.Encrypted, false)]
    [InlineData(ExtractionFailure.Corrupt, false)]
    [InlineData(ExtractionFailure.Unsupported, false)]
    [InlineData(ExtractionFailure.ZipBomb, false)]
    [InlineData(ExtractionFailure.Malicious, false)]
    [InlineData(ExtractionFailure.Empty, false)]
    [InlineData(ExtractionFailure.Garbled, false)]
    [InlineData(ExtractionFailure.Timeout, true)]
    [InlineData(ExtractionFailure.NoTextLayer, true)]
    [InlineData(ExtractionFailure.MacroRefused, true)]
    [InlineData(ExtractionFailure.TooLarge, true)]
    public void CanRetry_FailureKind_OnlyWhereARerunCanSucceed(ExtractionFailure kind, bool expected)
    {
        Assert.Equal(expected, IngestionMessages.CanRetry(IngestionMessages.ForKind(kind, "x").Code));
    }

    [Fact]
    public void CanRetry_NamedMessages_FileFaultsNoServiceAndSettingFaultsYes()
    {
        Assert.False(IngestionMessages.CanRetry(IngestionMessages.ReaderCrashed().Code));
        Assert.False(IngestionMessages.CanRetry(IngestionMessages.LegacyOffice().Code));
        Assert.False(IngestionMessages.CanRetry(IngestionMessages.ZipArchive().Code));
        Assert.True(IngestionMessages.CanRetry(IngestionMessages.EmbeddingUnreachable().Code));
        Assert.True(IngestionMessages.CanRetry(IngestionMessages.Interrupted(3).Code));
        Assert.True(IngestionMessages.CanRetry(IngestionMessages.Timeout(60).Code));
        Assert.True(IngestionMessages.CanRetry(IngestionMessages.TooManyPages(6000, 5000).Code));
        Assert.True(IngestionMessages.CanRetry(IngestionMessages.Cancelled().Code));
        Assert.True(IngestionMessages.CanRetry(null)); // rows from before codes were stored keep their button
    }

    [Fact]
    public void Extract_PasswordProtectedPdfAndUnknownType_CarryCodesAndArguments()
    {
        var encrypted = Assert.Throws<ExtractionException>(() =>
            DocumentExtractor.Extract(File.ReadAllBytes(RepoPaths.TestFile("corpus", "enc_user_pw_password.pdf")), "secret.pdf", new ExtractionLimits()));
        var mismatch = Assert.Throws<ExtractionException>(() =>
            DocumentExtractor.Extract([0x01, 0x02, 0x03, 0x00, 0xFF], "image.png", new ExtractionLimits()));

        Assert.Equal("Ingestion.Encrypted", encrypted.Detail.Code);
        Assert.Equal(encrypted.Message, encrypted.Detail.Text);
        Assert.Equal("Ingestion.TypeMismatch", mismatch.Detail.Code);
        Assert.Equal(".png", mismatch.Detail.Args["ext"]);
    }
}
