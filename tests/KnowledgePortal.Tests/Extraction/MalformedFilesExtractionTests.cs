using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>Every malformed, encrypted or hostile corpus file fails with exactly one expected failure and a human message.</summary>
public class MalformedFilesExtractionTests
{
    [Theory]
    [InlineData("bad_truncated.docx", ExtractionFailure.Corrupt)]
    [InlineData("bad_truncated_763b.docx", ExtractionFailure.Corrupt)]
    [InlineData("bad_empty_zip.xlsx", ExtractionFailure.Corrupt)]
    [InlineData("bad_corrupted_rels.xlsx", ExtractionFailure.Corrupt)]
    [InlineData("bad_xref_loop.pdf", ExtractionFailure.Empty)]
    [InlineData("bad_empty_no_pages.pdf", ExtractionFailure.Empty)]
    [InlineData("adv_xxe_in_text.docx", ExtractionFailure.Malicious)]
    [InlineData("adv_shared_strings_bomb.xlsx", ExtractionFailure.TooLarge)]
    [InlineData("enc_docx_pw_tika.docx", ExtractionFailure.Encrypted)]
    [InlineData("enc_xlsx_pw_tika.xlsx", ExtractionFailure.Encrypted)]
    [InlineData("enc_user_pw_openpassword.pdf", ExtractionFailure.Encrypted)]
    [InlineData("enc_user_pw_password.pdf", ExtractionFailure.Encrypted)]
    [InlineData("scan_image_only_ocr.pdf", ExtractionFailure.NoTextLayer)]
    public void Extract_BadFile_FailsWithExpectedFailure(string file, ExtractionFailure expected)
    {
        AssertFails(expected, file, new ExtractionLimits { OcrEnabled = false });
    }

    [Theory]
    [InlineData("bad_truncated.docx")]
    [InlineData("bad_truncated_763b.docx")]
    [InlineData("bad_corrupted_rels.xlsx")]
    public void Extract_CorruptFile_UsesDamagedMessage(string file)
    {
        var ex = AssertFails(ExtractionFailure.Corrupt, file);

        Assert.Equal("The file is damaged or truncated and cannot be opened.", ex.Message);
    }

    [Fact]
    public void Extract_TruncatedPrefixesOfValidFiles_OnlyThrowExtractionExceptions()
    {
        // Cut real files at several points: whatever happens, callers only ever see ExtractionException.
        foreach (var file in new[] { "en_feature_sampler.docx", "en_strict_ooxml.xlsx", "en_feature_sampler.pptx", "ja_tex_finance_notes.pdf" })
        {
            var full = Corpus(file);
            foreach (var fraction in new[] { 0.1, 0.5, 0.9, 0.99 })
            {
                var cut = full.AsSpan(0, (int)(full.Length * fraction)).ToArray();
                try
                {
                    Extract(cut, file);
                }
                catch (ExtractionException ex)
                {
                    AssertHumanMessage(ex.Message);
                }
            }
        }
    }

    [Fact]
    public void Extract_BytesFlippedInValidFiles_OnlyThrowExtractionExceptions()
    {
        var random = new Random(1234);
        foreach (var file in new[] { "en_feature_sampler.docx", "en_strict_ooxml.xlsx", "ja_regulation_text.pdf" })
        {
            var original = Corpus(file);
            for (var round = 0; round < 5; round++)
            {
                var mutated = (byte[])original.Clone();
                for (var i = 0; i < 20; i++) mutated[random.Next(8, mutated.Length)] = (byte)random.Next(256);
                try
                {
                    Extract(mutated, file);
                }
                catch (ExtractionException ex)
                {
                    AssertHumanMessage(ex.Message);
                }
            }
        }
    }
}
