using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

public class PdfExtractionTests
{
    [Fact]
    public void Extract_JapaneseRegulation_ReturnsRealJapaneseWithPageLocator()
    {
        var result = Extract("ja_regulation_text.pdf");

        var text = AllText(result);
        Assert.Equal("pdf", result.DetectedType);
        Assert.Equal(1, result.PageCount);
        // Verified with pdftotext: the first line and the 1.1 paragraph of the page.
        Assert.Contains("電線接続端子部が次のいずれにも該当しないとき。", text);
        Assert.Contains("ポリエチレン絶縁電線に裸線をより合わせて引込用に使用される", text);
        Assert.Contains("速結端子", text);
        Assert.All(result.Blocks, b => Assert.Equal(1, b.Locator.Page));
        // Full-width alphanumerics are NFKC-folded (０．７５ → 0.75).
        Assert.Contains("0.75平方ミリメートル", text);
        Assert.DoesNotContain(text, PdfExtractor.IsUndecodable);
    }

    [Fact]
    public void Extract_JapaneseTexNotes_DecodesCidFonts()
    {
        var result = Extract("ja_tex_finance_notes.pdf");

        var text = AllText(result);
        Assert.Contains("標準マーケットモデル", text);
        Assert.Contains("リスク中立確率", text);
        Assert.DoesNotContain(text, PdfExtractor.IsUndecodable);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Extract_SecFilingWithTables_ExtractsEveryPage()
    {
        var result = Extract("en_sec_8k_financial_tables.pdf");

        Assert.Equal(5, result.PageCount);
        Assert.Equal([1, 2, 3, 4, 5], result.Blocks.Select(b => b.Locator.Page!.Value).Distinct().Order());
        var text = AllText(result);
        Assert.Contains("FEDERAL AGRICULTURAL MORTGAGE CORPORATION", text);
        Assert.Contains("FORM 8-K", text);
        AssertBlocksClean(result);
    }

    [Fact]
    public void Extract_TwoColumnLatex_ReadsLeftColumnBeforeRightColumn()
    {
        var result = Extract("en_latex_multicolumn.pdf");

        var page1 = result.Blocks.Where(b => b.Locator.Page == 1).Select(b => b.Text).ToList();
        var abstractIndex = page1.FindIndex(t => t == "Abstract");
        Assert.True(abstractIndex >= 0);
        Assert.StartsWith("This is a sample document with two columns", page1[abstractIndex + 1]);
    }

    [Fact]
    public void Extract_OwnerPasswordOnly_OpensAndIndexesAllPages()
    {
        var result = Extract("enc_owner_only_speech_41p.pdf");

        Assert.Equal(41, result.PageCount);
        Assert.True(result.Blocks.Select(b => b.Locator.Page).Distinct().Count() >= 38);
        Assert.Contains("RETHINKING THE FINANCIAL NETWORK", AllText(result));
        Assert.StartsWith("Rethinking the Financial Network", result.Title);
    }

    [Theory]
    [InlineData("enc_user_pw_openpassword.pdf")]
    [InlineData("enc_user_pw_password.pdf")]
    public void Extract_UserPasswordPdf_FailsEncrypted(string file)
    {
        var ex = AssertFails(ExtractionFailure.Encrypted, file);

        Assert.Equal("This PDF is password-protected; remove the password and upload it again.", ex.Message);
    }

    [Fact]
    public void Extract_ScannedPdfWithoutOcr_FailsNoTextLayer()
    {
        var ex = AssertFails(ExtractionFailure.NoTextLayer, "scan_image_only_ocr.pdf", new ExtractionLimits { OcrEnabled = false });

        Assert.Equal(
            "This PDF has no text layer — it looks scanned. Enable OCR (Ingestion:OcrEnabled, needs tesseract-ocr) or upload a text PDF.",
            ex.Message);
    }

    [Fact]
    public void Extract_ScannedPdfWithOcrButNoTesseract_FailsNoTextLayer()
    {
        var limits = new ExtractionLimits { OcrEnabled = true, TesseractPath = "/nonexistent/tesseract" };

        AssertFails(ExtractionFailure.NoTextLayer, "scan_image_only_ocr.pdf", limits);
    }

    [Fact]
    public void Extract_ScannedPdfWithOcr_RecognisesTextWhenTesseractInstalled()
    {
        var limits = new ExtractionLimits { OcrEnabled = true, OcrLanguages = "eng" };
        if (!File.Exists(limits.TesseractPath)) return; // tesseract-ocr is optional on developer machines

        var result = Extract("scan_image_only_ocr.pdf", limits);

        Assert.Contains("Happy New Year", AllText(result), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, result.Blocks[0].Locator.Page);
        Assert.Contains(result.Warnings, w => w.Contains("OCR", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_TruncatedXref_RecoversBothPages()
    {
        var result = Extract("bad_truncated_xref.pdf");

        Assert.Equal(2, result.PageCount);
        Assert.Contains(result.Blocks, b => b.Locator.Page == 1);
        Assert.Contains(result.Blocks, b => b.Locator.Page == 2);
        Assert.Contains("Projektmanagement", AllText(result));
    }

    [Fact]
    public void Extract_BrokenXrefOffsets_RecoversText()
    {
        var result = Extract("bad_broken_xref_offsets.pdf");

        Assert.Contains("There is some lede text here", AllText(result));
        AssertBlocksClean(result); // its zero-width spaces are removed
    }

    [Fact]
    public async Task Extract_XrefLoop_TerminatesWithEmpty()
    {
        var task = Task.Run(() => AssertFails(ExtractionFailure.Empty, "bad_xref_loop.pdf"));

        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(task, finished);
        await task;
    }

    [Fact]
    public void Extract_PdfWithoutPageContent_FailsEmpty()
    {
        var ex = AssertFails(ExtractionFailure.Empty, "bad_empty_no_pages.pdf");

        Assert.Equal("No text could be extracted from this file.", ex.Message);
    }

    [Fact]
    public void Extract_PdfOverPageLimit_FailsTooLarge()
    {
        var ex = AssertFails(ExtractionFailure.TooLarge, "enc_owner_only_speech_41p.pdf", new ExtractionLimits { MaxPdfPages = 10 });

        Assert.Contains("41", ex.Message);
    }

    [Fact]
    public void Extract_PdfOverCharacterLimit_FailsTooLarge()
    {
        AssertFails(ExtractionFailure.TooLarge, "enc_owner_only_speech_41p.pdf", new ExtractionLimits { MaxExtractedCharacters = 5_000 });
    }

    [Fact]
    public void Extract_CancelledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            DocumentExtractor.Extract(Corpus("enc_owner_only_speech_41p.pdf"), "speech.pdf", new ExtractionLimits(), cts.Token));
    }

    [Fact]
    public void Extract_GarbledPrivateUseText_IsDetectedAsUndecodable()
    {
        Assert.True(PdfExtractor.IsUndecodable('\uE001'));
        Assert.True(PdfExtractor.IsUndecodable('\uF900'));
        Assert.True(PdfExtractor.IsUndecodable('\uFFFD'));
        Assert.False(PdfExtractor.IsUndecodable('東'));
        Assert.False(PdfExtractor.IsUndecodable('A'));
    }
}

public class PdfGarbleAndScanDetectionTests
{
    [Fact]
    public void Extract_AllPagesMapToPrivateUseArea_FailsGarbled()
    {
        var pdf = MinimalPdf.Build((MinimalPdf.PageKind.Garbled, "Quarterly results were strong"),
            (MinimalPdf.PageKind.Garbled, "Revenue grew by ten percent"));

        var ex = AssertFails(ExtractionFailure.Garbled, () => Extract(pdf, "garbled.pdf"));

        Assert.Equal(
            "Text in this PDF could not be decoded (its fonts map characters to private codes); try exporting it again or enable OCR",
            ex.Message);
    }

    [Fact]
    public void Extract_OneGarbledPage_DropsThatPageWithWarning()
    {
        var pdf = MinimalPdf.Build((MinimalPdf.PageKind.Text, "Readable first page"),
            (MinimalPdf.PageKind.Garbled, "Scrambled second page"));

        var result = Extract(pdf, "mixed.pdf");

        Assert.Equal(2, result.PageCount);
        var block = Assert.Single(result.Blocks);
        Assert.Equal("Readable first page", block.Text);
        Assert.Equal(1, block.Locator.Page);
        Assert.Contains(result.Warnings, w => w.StartsWith("page 2:", StringComparison.Ordinal) && w.Contains("decoded", StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_TextPageAndImageOnlyPage_WarnsAboutScannedPage()
    {
        var pdf = MinimalPdf.Build((MinimalPdf.PageKind.Text, "Cover letter"), (MinimalPdf.PageKind.ImageOnly, string.Empty));

        var result = Extract(pdf, "letter.pdf", new ExtractionLimits { OcrEnabled = false });

        Assert.Equal("Cover letter", Assert.Single(result.Blocks).Text);
        Assert.Contains("page 2: no text layer — scanned?", result.Warnings);
    }

    [Fact]
    public void Extract_OnlyImagePages_FailsNoTextLayer()
    {
        var pdf = MinimalPdf.Build((MinimalPdf.PageKind.ImageOnly, string.Empty), (MinimalPdf.PageKind.ImageOnly, string.Empty));

        AssertFails(ExtractionFailure.NoTextLayer, () => Extract(pdf, "scan.pdf", new ExtractionLimits { OcrEnabled = false }));
    }
}
