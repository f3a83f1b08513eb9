using System.Globalization;
using System.Text;
using KnowledgePortal.Core.Domain;
using MimeKit;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// E-mail messages (.eml, RFC 5322 / MIME) with MimeKit: the headers (from, to, cc, date, subject) as the first
/// blocks, so every passage of the message starts from who wrote what when; then the body, its text part preferred and
/// its HTML part read like an .html file otherwise. Attachments are not part of the message's text: they become
/// documents of their own (<see cref="Attachments"/>), each naming its message.
/// </summary>
internal static class EmlExtractor
{
    private const int MaxMimeDepth = 32;

    // MimeKit finds charsets through Encoding.GetEncoding: ISO-2022-JP, Shift_JIS and EUC-JP, which Japanese mail
    // still uses, come from the code-pages provider (process-wide, registering it twice is harmless).
    static EmlExtractor() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static ExtractionResult Extract(SniffedFile file, ExtractionSink sink)
    {
        var message = Parse(file.Content);
        var subject = Clean(message.Subject);
        void Header(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) sink.Add($"{name}: {value}", new SourceLocator(), subject);
        }

        Header("From", Addresses(message.From));
        Header("To", Addresses(message.To));
        Header("Cc", Addresses(message.Cc));
        if (message.Headers.Contains(HeaderId.Date)) Header("Date", message.Date.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture));
        Header("Subject", subject);
        var names = AttachmentParts(message).Select(p => p.Name).ToList();
        Header("Attachments", names.Count == 0 ? null : string.Join(", ", names));

        ExtractionResult result;
        if (!string.IsNullOrWhiteSpace(message.TextBody)) result = PlainTextExtractor.ExtractText(message.TextBody, file.Format.Name, sink);
        else if (!string.IsNullOrWhiteSpace(message.HtmlBody)) result = HtmlExtractor.Extract(message.HtmlBody, file.Format.Name, sink);
        else result = sink.ToResult(1, file.Format.Name, null);
        return result with { Title = string.IsNullOrEmpty(subject) ? null : subject };
    }

    /// <summary>
    /// The attachments to index: those whose name is of a supported format, each at most the file size limit, at
    /// most <see cref="ExtractionLimits.MaxZipEntries"/> of them and <see cref="ExtractionLimits.MaxUncompressedBytes"/>
    /// together. Every other one is skipped with a note; none fails the message.
    /// </summary>
    public static MailAttachments Attachments(byte[] content, ExtractionLimits limits)
    {
        var message = Parse(content);
        var indexed = new List<MailAttachment>();
        var skipped = new List<string>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long total = 0;
        foreach (var (name, part) in AttachmentParts(message))
        {
            if (DocumentFormats.ByExtension(name) is null)
            {
                skipped.Add($"attachment \"{name}\" skipped: its type is not supported");
                continue;
            }
            var bytes = Decode(part);
            if (bytes.LongLength > limits.MaxFileBytes || total + bytes.LongLength > limits.MaxUncompressedBytes)
            {
                skipped.Add($"attachment \"{name}\" skipped: over the size limit");
                continue;
            }
            if (indexed.Count >= limits.MaxZipEntries)
            {
                skipped.Add($"attachment \"{name}\" skipped: more than {limits.MaxZipEntries} attachments");
                continue;
            }
            if (bytes.Length == 0)
            {
                skipped.Add($"attachment \"{name}\" skipped: it is empty");
                continue;
            }
            total += bytes.LongLength;
            indexed.Add(new MailAttachment(Unique(name, used), bytes));
        }
        return new MailAttachments(indexed, skipped);
    }

    private static MimeMessage Parse(byte[] content)
    {
        var options = new ParserOptions { MaxMimeDepth = MaxMimeDepth };
        using var stream = new MemoryStream(content, writable: false);
        return MimeMessage.Load(options, stream);
    }

    /// <summary>
    /// Parts with a file name that are attachments (or named non-text parts), and attached messages; images the HTML
    /// body shows inline (those with a Content-Id) are part of the body, not attachments.
    /// </summary>
    private static IEnumerable<(string Name, MimeEntity Part)> AttachmentParts(MimeMessage message)
    {
        var n = 0;
        foreach (var entity in message.BodyParts)
        {
            n++;
            switch (entity)
            {
                case MessagePart attached:
                    yield return (SafeName(attached.ContentDisposition?.FileName ?? attached.ContentType.Name)
                                  ?? SafeName(Clean(attached.Message?.Subject) + ".eml") ?? $"message-{n}.eml", attached);
                    break;
                case MimePart part when SafeName(part.FileName) is { } name
                                        && (part.IsAttachment || (part is not TextPart && string.IsNullOrEmpty(part.ContentId))):
                    yield return (name, part);
                    break;
            }
        }
    }

    private static byte[] Decode(MimeEntity entity)
    {
        using var output = new MemoryStream();
        switch (entity)
        {
            case MessagePart { Message: { } inner }:
                inner.WriteTo(output);
                break;
            case MimePart { Content: { } body }:
                body.DecodeTo(output);
                break;
        }
        return output.ToArray();
    }

    /// <summary>The last path segment, without control characters; null when nothing is left.</summary>
    private static string? SafeName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var last = name.Replace('\\', '/').Split('/').Last();
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (clean.Length > 200) clean = clean[..200];
        return clean is "" or "." or ".." or ".eml" ? null : clean;
    }

    private static string Unique(string name, HashSet<string> used)
    {
        var candidate = name;
        for (var i = 2; !used.Add(candidate); i++)
            candidate = $"{Path.GetFileNameWithoutExtension(name)} ({i}){Path.GetExtension(name)}";
        return candidate;
    }

    private static string? Addresses(InternetAddressList list)
    {
        var mailboxes = list.Mailboxes.Select(m => string.IsNullOrWhiteSpace(m.Name) ? m.Address : $"{m.Name} <{m.Address}>").ToList();
        return mailboxes.Count == 0 ? null : string.Join(", ", mailboxes);
    }

    private static string Clean(string? text) => TextNormalizer.Clean(text);
}
