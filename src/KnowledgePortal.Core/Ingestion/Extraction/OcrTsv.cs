using System.Globalization;
using System.Text;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Reads tesseract's TSV output (<c>tsv</c> config: level, page, block, paragraph, line, word, box, confidence, text)
/// into paragraphs in tesseract's reading order — which for vertical Japanese (jpn_vert) is top to bottom within a
/// column and columns right to left — and the page's confidence. Pure.
/// </summary>
internal static class OcrTsv
{
    private const int WordLevel = 5;

    public static OcrPage Parse(string tsv)
    {
        var paragraphs = new List<string>();
        var paragraph = new StringBuilder();
        var line = new StringBuilder();
        (int Page, int Block, int Par) currentParagraph = (-1, -1, -1);
        var currentLine = -1;
        double weighted = 0;
        long characters = 0;

        foreach (var raw in tsv.Split('\n'))
        {
            var f = raw.TrimEnd('\r').Split('\t');
            if (f.Length < 12 || !int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) || level != WordLevel) continue;
            var text = f[11].Trim();
            if (text.Length == 0) continue;
            if (!double.TryParse(f[10], NumberStyles.Float, CultureInfo.InvariantCulture, out var confidence) || confidence < 0) continue;
            var key = (Int(f[1]), Int(f[2]), Int(f[3]));
            var lineNumber = Int(f[4]);
            if (key != currentParagraph)
            {
                FlushLine();
                FlushParagraph();
                currentParagraph = key;
                currentLine = lineNumber;
            }
            else if (lineNumber != currentLine)
            {
                FlushLine();
                currentLine = lineNumber;
            }
            PdfExtractor.AppendJoined(line, text);
            weighted += Math.Min(confidence, 100) * text.Length;
            characters += text.Length;
        }
        FlushLine();
        FlushParagraph();
        return new OcrPage(paragraphs, characters == 0 ? 0 : weighted / characters, characters);

        void FlushLine()
        {
            if (line.Length > 0) PdfExtractor.AppendLine(paragraph, line.ToString());
            line.Clear();
        }

        void FlushParagraph()
        {
            if (paragraph.Length > 0) paragraphs.Add(paragraph.ToString());
            paragraph.Clear();
        }
    }

    private static int Int(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
