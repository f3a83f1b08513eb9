using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace KnowledgePortal.Core.Demo.Builders;

/// <summary>
/// Lays out simple A4 text documents with PdfPig's builder and the standard 14 fonts (so text must be
/// printable ASCII): headings, wrapped paragraphs, bullets, monospaced lines, explicit page breaks and a
/// footer with page numbers. Output is deterministic.
/// </summary>
internal sealed partial class PdfBuilder(string title)
{
    private const double PageWidth = 595.28;  // A4 in points
    private const double PageHeight = 841.89;
    private const double Margin = 60;
    private const double BodySize = 11;
    private const double LineGap = 1.35;

    private enum Kind { Title, Heading, Paragraph, Bullet, Code, PageBreak }

    private readonly List<(Kind Kind, string Text)> _blocks = [];

    public PdfBuilder Title(string text) => Add(Kind.Title, text);

    public PdfBuilder Heading(string text) => Add(Kind.Heading, text);

    public PdfBuilder Paragraph(string text) => Add(Kind.Paragraph, text);

    public PdfBuilder Bullets(params string[] items)
    {
        foreach (var item in items) Add(Kind.Bullet, item);
        return this;
    }

    /// <summary>Monospaced lines, e.g. an HTTP example; each line is drawn as is (no wrapping).</summary>
    public PdfBuilder Code(params string[] lines)
    {
        foreach (var line in lines) Add(Kind.Code, line);
        return this;
    }

    public PdfBuilder PageBreak() => Add(Kind.PageBreak, "");

    public byte[] Build()
    {
        using var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = title;
        builder.DocumentInformation.Author = PackageFinisher.Author;
        builder.DocumentInformation.Creator = "KnowledgePortal demo content";
        builder.DocumentInformation.Producer = "KnowledgePortal";
        var date = PackageFinisher.FixedDate.ToString("'D:'yyyyMMddHHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        builder.DocumentInformation.CreationDate = date;
        builder.DocumentInformation.ModifiedDate = date;

        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var mono = builder.AddStandard14Font(Standard14Font.Courier);

        var pages = new List<PdfPageBuilder>();
        PdfPageBuilder page = null!;
        var y = 0.0;

        void NewPage()
        {
            page = builder.AddPage(PageSize.A4);
            pages.Add(page);
            y = PageHeight - Margin;
        }

        double Width(string text, PdfDocumentBuilder.AddedFont font, double size)
        {
            if (text.Length == 0) return 0;
            var letters = page.MeasureText(text, size, new PdfPoint(0, 0), font);
            return letters.Count == 0 ? 0 : letters[^1].EndBaseLine.X;
        }

        IEnumerable<string> Wrap(string text, PdfDocumentBuilder.AddedFont font, double size, double width)
        {
            var line = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && Width(candidate, font, size) > width)
                {
                    yield return line;
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }
            if (line.Length > 0) yield return line;
        }

        void Write(string text, PdfDocumentBuilder.AddedFont font, double size, double x, double spaceBefore, double width)
        {
            y -= spaceBefore;
            foreach (var line in Wrap(text, font, size, width))
            {
                if (y - size < Margin) NewPage();
                y -= size;
                page.AddText(line, size, new PdfPoint(x, y), font);
                y -= size * (LineGap - 1);
            }
        }

        NewPage();
        var textWidth = PageWidth - 2 * Margin;
        var previous = Kind.PageBreak;
        foreach (var (kind, text) in _blocks)
        {
            EnsureAscii(text);
            switch (kind)
            {
                case Kind.PageBreak:
                    NewPage();
                    break;
                case Kind.Title:
                    Write(text, bold, 20, Margin, 0, textWidth);
                    y -= 6;
                    break;
                case Kind.Heading:
                    if (y - 60 < Margin) NewPage();
                    Write(text, bold, 14, Margin, previous == Kind.PageBreak ? 0 : 12, textWidth);
                    y -= 2;
                    break;
                case Kind.Paragraph:
                    Write(text, regular, BodySize, Margin, 5, textWidth);
                    break;
                case Kind.Bullet:
                    if (y - 2 * BodySize < Margin) NewPage();
                    page.AddText("-", BodySize, new PdfPoint(Margin + 8, y - 3 - BodySize), regular);
                    Write(text, regular, BodySize, Margin + 22, 3, textWidth - 22);
                    break;
                case Kind.Code:
                    if (y - 10 < Margin) NewPage();
                    y -= 9.5 * 1.3;
                    page.AddText(text, 9.5, new PdfPoint(Margin + 12, y), mono);
                    break;
            }
            previous = kind;
        }

        for (var i = 0; i < pages.Count; i++)
        {
            var footer = $"Contoso Japan K.K. - {title} - page {i + 1} of {pages.Count}";
            pages[i].AddText(footer, 8, new PdfPoint(Margin, Margin / 2), regular);
        }

        return WithStableId(builder.Build());
    }

    /// <summary>
    /// PdfPig writes random GUIDs as the trailer /ID. Replace them with a hash of the document body; the
    /// trailer follows the cross-reference table and the replacement has the same length, so offsets stay valid.
    /// </summary>
    private static byte[] WithStableId(byte[] pdf)
    {
        var trailerAt = pdf.AsSpan().LastIndexOf("trailer"u8);
        if (trailerAt < 0) return pdf;
        var latin1 = System.Text.Encoding.Latin1;
        var trailer = latin1.GetString(pdf, trailerAt, pdf.Length - trailerAt);
        var match = StableIdPattern().Match(trailer);
        if (!match.Success) return pdf;

        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(pdf.AsSpan(0, trailerAt)));
        var result = (byte[])pdf.Clone();
        foreach (var group in new[] { match.Groups[1], match.Groups[2] })
        {
            var replacement = latin1.GetBytes(hash[..group.Length]);
            replacement.CopyTo(result, trailerAt + latin1.GetByteCount(trailer[..group.Index]));
        }
        return result;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")]
    private static partial System.Text.RegularExpressions.Regex StableIdPattern();

    private PdfBuilder Add(Kind kind, string text)
    {
        _blocks.Add((kind, text));
        return this;
    }

    private static void EnsureAscii(string text)
    {
        var bad = text.FirstOrDefault(c => c is < ' ' or > '~');
        if (bad != default)
            throw new ArgumentException($"Standard 14 fonts cannot draw U+{(int)bad:X4} in \"{text}\"; use ASCII.");
    }
}
