using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>
/// .doc, .xls, .ppt, .rtf, .odt, .ods and .odp through LibreOffice (installed by scripts/install-deps.sh): real files
/// converted from the corpus originals, read with the same locators as their Office Open XML twins.
/// </summary>
public class LegacyFormatsExtractionTests
{
    [Theory]
    [InlineData("ja_proposal_call_tables.doc", "doc")]
    [InlineData("ja_proposal_call_tables.odt", "odt")]
    public void Extract_JapaneseProposal_HeadingsPagesAndJapaneseTextLikeTheDocx(string file, string type)
    {
        var result = Extract(file);

        Assert.Equal(type, result.DetectedType);
        var text = AllText(result);
        Assert.Contains("全国農業高等学校長協会", text);
        Assert.Contains("募集要項", text);
        Assert.Contains(result.Blocks, b => b.Locator.HeadingPath == "2.業務目的" && b.Text.StartsWith("農業クラブ一人一人がクラブ員", StringComparison.Ordinal));
        Assert.Equal(3, result.PageCount);
        Assert.True(result.Blocks.Count > 100, $"only {result.Blocks.Count} blocks");
        AssertBlocksClean(result);
        // Every paragraph of the original's first heading section is there, in the same words.
        var original = Extract("ja_proposal_call_tables.docx").Blocks.Where(b => b.Locator.HeadingPath == "2.業務目的").Select(b => b.Text);
        Assert.Subset(result.Blocks.Select(b => b.Text).ToHashSet(), original.ToHashSet());
    }

    [Theory]
    [InlineData("en_feature_sampler.doc", "doc")]
    [InlineData("en_feature_sampler.rtf", "rtf")]
    public void Extract_FeatureSampler_ParagraphLocatorsListsAndTextBox(string file, string type)
    {
        var result = Extract(file);

        Assert.Equal(type, result.DetectedType);
        var texts = result.Blocks.Select(b => b.Text).ToList();
        Assert.Contains("Here is a text box", texts);
        Assert.Contains("• Bullet 1", texts);
        var box = Assert.Single(result.Blocks, b => b.Text == "Here is a text box");
        Assert.NotNull(box.Locator.Paragraph);
        Assert.Equal(result.Blocks.Where(b => b.Locator.Paragraph is not null).Select(b => b.Locator.Paragraph!.Value).Order(),
            result.Blocks.Where(b => b.Locator.Paragraph is not null).Select(b => b.Locator.Paragraph!.Value));
        AssertBlocksClean(result);
    }

    [Theory]
    [InlineData("en_feature_sampler.ppt", "ppt")]
    [InlineData("en_feature_sampler.odp", "odp")]
    public void Extract_FeatureSamplerSlides_SlideLocatorsTableAndText(string file, string type)
    {
        var result = Extract(file);

        Assert.Equal(type, result.DetectedType);
        Assert.Equal(1, result.PageCount);
        Assert.All(result.Blocks, b => Assert.Equal(1, b.Locator.Slide));
        Assert.Contains(result.Blocks, b => b.Text == "Here is a text box");
        Assert.Contains(result.Blocks, b => b.Text.Contains("Row 1 Col 1: Row 2 Col 1", StringComparison.Ordinal));
        AssertBlocksClean(result);
    }

    [Theory]
    [InlineData("ja_multisheet_16.xls", "xls")]
    [InlineData("ja_multisheet_16.ods", "ods")]
    public void Extract_JapaneseMultiSheet_SheetAndCellRangeLikeTheXlsx(string file, string type)
    {
        var result = Extract(file);

        Assert.Equal(type, result.DetectedType);
        Assert.Equal(16, result.PageCount);
        var note = Assert.Single(result.Blocks, b => b.Locator.Sheet == "Sheet11" && b.Locator.CellRange == "A1:A1");
        Assert.Equal("実行前の行の高さ⇒3行目=100、4行目=80、5行目=110", note.Text);
        Assert.Equal(16, result.Blocks.Select(b => b.Locator.Sheet).Distinct().Count());
    }

    [Theory]
    [InlineData("enc_doc_pw_lo.doc")]
    [InlineData("enc_xls_pw_lo.xls")]
    [InlineData("enc_odt_pw_lo.odt")]
    public void Extract_PasswordProtectedLegacyFile_FailsWithThePasswordReason(string file)
    {
        var ex = AssertFails(ExtractionFailure.Encrypted, file, new ExtractionLimits { SofficePath = "/nonexistent/soffice" });

        // Found in the container: the converter is never asked (it is not even there).
        Assert.Equal(DocumentExtractor.EncryptedOfficeMessage, ex.Message);
    }

    [Fact]
    public void Extract_PptWhoseCurrentUserSaysEncrypted_FailsWithThePasswordReason()
    {
        // LibreOffice cannot save an encrypted .ppt: the header token of the Current User stream is set as PowerPoint does.
        var content = Corpus("en_feature_sampler.ppt");
        var token = content.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x5F, 0xC0, 0x91, 0xE3]);
        Assert.True(token > 0);
        new byte[] { 0xDF, 0xC4, 0xD1, 0xF3 }.CopyTo(content, token);

        var ex = AssertFails(ExtractionFailure.Encrypted, () => Extract(content, "deck.ppt"));

        Assert.Equal(DocumentExtractor.EncryptedOfficeMessage, ex.Message);
    }

    [Fact]
    public void Extract_DocWithMacroStorageUnderRefusePolicy_FailsMacroRefused()
    {
        var content = CompoundFileTests.RenameRootEntry(Corpus("en_feature_sampler.doc"), "1Table", "Macros");

        var ex = AssertFails(ExtractionFailure.MacroRefused,
            () => Extract(content, "macros.doc", new ExtractionLimits { Macros = MacroPolicy.Refuse }));

        Assert.Equal(DocumentExtractor.MacroRefusedMessage, ex.Message);
    }

    [Fact]
    public void Extract_RandomBytesNamedDoc_FailsUnsupportedAlone()
    {
        var garbage = new byte[4096];
        new Random(16).NextBytes(garbage);

        var ex = AssertFails(ExtractionFailure.Unsupported, () => Extract(garbage, "minutes.doc"));

        Assert.Contains(".doc", ex.Message);
    }

    [Fact]
    public void Extract_WordStreamOverwrittenWithGarbage_FailsAsUnconvertible()
    {
        var content = Corpus("en_feature_sampler.doc");
        // The FIB's magic and flags stay (still a .doc, not encrypted); what follows them is noise.
        var fib = FindFib(content);
        for (var i = fib + 12; i < fib + 2048; i++) content[i] = (byte)(i * 7919 % 251);
        Assert.Equal("doc", FileSniffer.Detect(content, "broken.doc"));

        var ex = Assert.Throws<ExtractionException>(() => Extract(content, "broken.doc"));

        Assert.True(ex.Failure is ExtractionFailure.Corrupt or ExtractionFailure.Empty, $"{ex.Failure}: {ex.Message}");
        AssertHumanMessage(ex.Message);
    }

    [Fact]
    public void Extract_ConverterMissing_FailsWithTheSettingToFix()
    {
        var ex = AssertFails(ExtractionFailure.Unsupported, "en_feature_sampler.rtf", new ExtractionLimits { SofficePath = "/nonexistent/soffice" });

        Assert.Equal(IngestionMessages.ConverterMissing("/nonexistent/soffice").Code, ex.Detail.Code);
        Assert.Contains("Ingestion:SofficePath", ex.Message);
        Assert.True(IngestionMessages.CanRetry(ex.Detail.Code));
    }

    [Fact]
    public async Task Extract_TwoConversionsAtOnce_BothSucceedWithTheirOwnProfiles()
    {
        var doc = Task.Run(() => Extract("en_feature_sampler.doc"));
        var xls = Task.Run(() => Extract("ja_multisheet_16.xls"));

        var results = await Task.WhenAll(doc, xls);

        Assert.Equal("doc", results[0].DetectedType);
        Assert.Equal(16, results[1].PageCount);
    }

    /// <summary>The WordDocument stream starts with the FIB's magic 0xA5EC at a sector boundary.</summary>
    private static int FindFib(byte[] content)
    {
        for (var offset = 512; offset + 2 <= content.Length; offset += 512)
            if (content[offset] == 0xEC && content[offset + 1] == 0xA5) return offset;
        throw new InvalidOperationException("no FIB");
    }
}
