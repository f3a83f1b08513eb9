using System.Text;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>Hand-written RFC 5322 messages as a mail client sends them (CRLF, encoded-words, base64 parts).</summary>
internal static class MailSamples
{
    public const string Boundary = "=_kp_boundary_1";

    /// <summary>"経費精算の締め切りについて" from 山田 太郎, all in ISO-2022-JP as Japanese mailers still send it.</summary>
    public static byte[] Iso2022JpExpenses() => Ascii($"""
        Return-Path: <taro@example.co.jp>
        From: =?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <taro@example.co.jp>
        To: hana@example.co.jp, Ken Tanaka <ken@example.co.jp>
        Cc: keiri@example.co.jp
        Date: Wed, 01 Apr 2026 09:30:00 +0900
        Subject: =?ISO-2022-JP?B?GyRCN1BIcUA6OzskTkR5JGFAWiRqJEskRCQkJEYbKEI=?=
        Message-ID: <expenses-2026-04@example.co.jp>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=ISO-2022-JP
        Content-Transfer-Encoding: base64

        GyRCRHkkYUBaJGokT0toN24bKEIyNRskQkZ8JEckOSEjTk48fT1xJHJFOklVJDckRiQvJEAkNSQkISMbKEI=

        """);

    /// <summary>A UTF-8 subject and a body in HTML only.</summary>
    public static byte[] Utf8HtmlOnly() => Ascii("""
        From: Ken Tanaka <ken@example.co.jp>
        To: staff@example.co.jp
        Date: Thu, 02 Apr 2026 18:05:00 +0900
        Subject: =?UTF-8?B?5Lq65LqL6KmV5L6hIOmdouirh+aXpeeoiw==?=
        MIME-Version: 1.0
        Content-Type: text/html; charset=UTF-8
        Content-Transfer-Encoding: quoted-printable

        <html><head><style>p {color: red}</style></head><body><h1>Review interviews</h1><p>Interviews run from=
         <b>April 13</b> to April 24.</p></body></html>

        """);

    /// <summary>multipart/mixed: an alternative text/HTML body and the given attachments (name, content type, bytes).</summary>
    public static byte[] WithAttachments(string subject, string body, params (string Name, string ContentType, byte[] Content)[] attachments)
    {
        var text = new StringBuilder();
        text.Append($"""
            From: Ken Tanaka <ken@example.co.jp>
            To: hr-team@example.co.jp
            Date: Fri, 03 Apr 2026 10:00:00 +0900
            Subject: {subject}
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="{Boundary}"

            This is a multi-part message in MIME format.

            --{Boundary}
            Content-Type: multipart/alternative; boundary="alt_1"

            --alt_1
            Content-Type: text/plain; charset=UTF-8
            Content-Transfer-Encoding: base64

            {Convert.ToBase64String(Encoding.UTF8.GetBytes(body), Base64FormattingOptions.InsertLineBreaks)}
            --alt_1
            Content-Type: text/html; charset=UTF-8

            <p>HTML twin that must not be read: the text part wins.</p>
            --alt_1--

            """);
        foreach (var (name, contentType, content) in attachments)
            text.Append($"""
                --{Boundary}
                Content-Type: {contentType}; name="{name}"
                Content-Disposition: attachment; filename="{name}"
                Content-Transfer-Encoding: base64

                {Convert.ToBase64String(content, Base64FormattingOptions.InsertLineBreaks)}

                """);
        text.Append($"--{Boundary}--\n");
        return Ascii(text.ToString());
    }

    /// <summary>ASCII with CRLF line ends, as on the wire.</summary>
    private static byte[] Ascii(string message) => Encoding.ASCII.GetBytes(message.ReplaceLineEndings("\r\n"));
}
