using System.Text;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>Decodes plain-text uploads: BOM (UTF-8/UTF-16/UTF-32), strict UTF-8, then strict Shift_JIS; rejects binary data.</summary>
internal static class TextDecoding
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    /// <summary>Returns the decoded text, or null when the bytes do not look like text.</summary>
    public static string? TryDecode(byte[] content, out string? encodingName)
    {
        encodingName = null;
        var span = content.AsSpan();
        string? text = null;

        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            text = Decode(new UTF8Encoding(false, true), content, 3);
            encodingName = "utf-8";
        }
        else if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            text = Decode(new UTF32Encoding(false, false, true), content, 4);
            encodingName = "utf-32le";
        }
        else if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            text = Decode(new UnicodeEncoding(false, false, true), content, 2);
            encodingName = "utf-16le";
        }
        else if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            text = Decode(new UnicodeEncoding(true, false, true), content, 2);
            encodingName = "utf-16be";
        }
        else if (span.IndexOf((byte)0) < 0)
        {
            text = Decode(StrictUtf8, content, 0);
            encodingName = "utf-8";
            if (text is null)
            {
                text = Decode(ShiftJis(), content, 0);
                encodingName = "shift_jis";
            }
        }

        if (text is null || !LooksLikeText(text))
        {
            encodingName = null;
            return null;
        }
        return text;
    }

    private static Encoding? ShiftJis()
    {
        try
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(932, EncoderFallback.ExceptionFallback,
                DecoderFallback.ExceptionFallback);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static string? Decode(Encoding? encoding, byte[] content, int offset)
    {
        if (encoding is null) return null;
        try
        {
            return encoding.GetString(content, offset, content.Length - offset);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Binary junk that happens to decode has many control characters; real text has almost none.</summary>
    private static bool LooksLikeText(string text)
    {
        if (text.Length == 0) return true;
        var control = 0;
        foreach (var c in text)
        {
            if (c is '\t' or '\n' or '\r' or '\f') continue;
            if (char.IsControl(c) || c == '\uFFFD') control++;
        }
        return control <= Math.Max(2, text.Length / 100);
    }
}
