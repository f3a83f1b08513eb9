using KnowledgePortal.Tests.Infrastructure;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>
/// Vertical Japanese (縦書き): typeset by Chromium (CSS <c>writing-mode: vertical-rl</c>, Noto CJK from fonts-noto-cjk)
/// and photographed as a PNG, then read as an image document. Read horizontally it is noise; the vertical reading
/// (jpn_vert) is more confident, is kept, and comes out top to bottom, columns right to left.
/// </summary>
[Trait(TestTier.Name, TestTier.Browser)]
public class VerticalJapaneseOcrTests
{
    private const string Article1 = "第一条この規程は、社員の勤務時間及び休暇について定める。";
    private const string Article2 = "第二条始業時刻は午前九時、終業時刻は午後六時とする。";
    private const string Article3 = "第三条年次有給休暇は、入社六か月後に十日を付与する。";

    [Fact]
    public async Task Extract_VerticalJapaneseImage_ReadsColumnsRightToLeftWithTheVerticalModel()
    {
        var png = await TypesetVerticalAsync($"{Article1[..3]}　{Article1[3..]}<br>{Article2[..3]}　{Article2[3..]}<br>{Article3[..3]}　{Article3[3..]}");

        var result = Extract(png, "kitei-tategaki.png", Scans.Ocr);

        var text = AllText(result).Replace("\n", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        Assert.Contains("勤務時間及び休暇", text);
        var positions = new[] { Article1, Article2, Article3 }.Select(a => text.IndexOf(a[..6], StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0, $"an article is missing from: {text}"));
        Assert.Equal(positions.Order(), positions);
        Assert.All(result.Blocks, b => Assert.InRange(b.OcrConfidence!.Value, 70, 100));
        Assert.Equal("jpn_vert", OcrTestSupport.Reading(png, ".png").Languages);
    }

    private static async Task<byte[]> TypesetVerticalAsync(string html)
    {
        var (playwright, browser) = await Infrastructure.Browser.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 900, Height = 1000 } });
            await page.SetContentAsync(
                "<html><body style=\"margin:40px;background:#fff\"><div style=\"writing-mode:vertical-rl;font-family:'Noto Serif CJK JP';" +
                $"font-size:40px;height:900px;line-height:1.6\">{html}</div></body></html>");
            return await page.ScreenshotAsync();
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
