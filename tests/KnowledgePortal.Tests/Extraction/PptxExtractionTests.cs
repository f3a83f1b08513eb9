using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

public class PptxExtractionTests
{
    [Fact]
    public void Extract_ConferenceTalk_SlidesInOrderWithTitlesAsContext()
    {
        var result = Extract("en_conference_talk_notes_tables.pptx");

        Assert.Equal("pptx", result.DetectedType);
        Assert.Equal(28, result.PageCount);
        Assert.All(result.Blocks, b => Assert.NotNull(b.Locator.Slide));
        var slides = result.Blocks.Select(b => b.Locator.Slide!.Value).ToList();
        Assert.Equal(slides.OrderBy(s => s), slides);

        var first = result.Blocks[0];
        Assert.Equal(1, first.Locator.Slide);
        Assert.Equal("How effective communication can help evaluation achieve influence", first.Text);
        Assert.Contains(result.Blocks, b => b.Locator.Slide == 2 && b.Context == "Overview" && b.Text == "Why marketing?");
        AssertBlocksClean(result);
    }

    [Fact]
    public void Extract_ConferenceTalk_IncludesSpeakerNotesAndTableRows()
    {
        var result = Extract("en_conference_talk_notes_tables.pptx");

        var notes = result.Blocks.Where(b => b.Text.StartsWith("Notes: ", StringComparison.Ordinal)).ToList();
        Assert.True(notes.Count >= 10, $"{notes.Count} notes blocks");
        Assert.Contains(notes, n => n.Locator.Slide == 8 && n.Context == "Marketing in evaluation"
                                    && n.Text.Contains("Understanding the organisation", StringComparison.Ordinal));
        Assert.Contains(result.Blocks, b => b.Locator.Slide == 10 && b.Text == "Principle: Purpose; Details: Summary evaluation");
    }

    [Fact]
    public void Extract_FeatureSampler_ReadsShapesAndTableWithoutPlaceholderNoise()
    {
        var result = Extract("en_feature_sampler.pptx");

        Assert.Equal(1, result.PageCount);
        var texts = result.Blocks.Select(b => b.Text).ToList();
        Assert.Contains("Here is a text box", texts);
        Assert.Contains("Bullet 1", texts);
        Assert.Contains(texts, t => t.Contains("Row 1 Col 1: Row 2 Col 1", StringComparison.Ordinal));
        // Its notes page only has header/footer placeholders: no "Notes:" block, no header/footer noise.
        Assert.DoesNotContain(texts, t => t.StartsWith("Notes: ", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("This is the header text", StringComparison.Ordinal));
        Assert.All(result.Blocks, b => Assert.Equal(1, b.Locator.Slide));
    }
}
