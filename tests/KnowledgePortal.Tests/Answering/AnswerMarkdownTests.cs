using KnowledgePortal.Web.Components.Shared;

namespace KnowledgePortal.Tests.Answering;

public class AnswerMarkdownTests
{
    private static string? Href(int n) => n is >= 1 and <= 3 ? $"/documents/doc-{n}#chunk" : null;

    private static string Render(string markdown) => AnswerMarkdown.ToSafeHtml(markdown, Href);

    [Fact]
    public void ToSafeHtml_SimpleAnswer_MatchesSnapshot()
    {
        var html = Render("Leave is **20 days** [1].");

        Assert.Equal(
            "<p>Leave is <strong>20 days</strong> <a class=\"kp-cite\" href=\"/documents/doc-1#chunk\" data-cite=\"1\">[1]</a>.</p>",
            html.Trim());
    }

    [Fact]
    public void ToSafeHtml_UnknownCitation_StaysPlainText()
    {
        var html = Render("Claim [9] and [2].");

        Assert.Contains("Claim [9] and <a class=\"kp-cite\" href=\"/documents/doc-2#chunk\" data-cite=\"2\">[2]</a>.", html);
        Assert.DoesNotContain("data-cite=\"9\"", html);
    }

    [Fact]
    public void ToSafeHtml_CitationListAndFullWidth_OneLinkPerNumber()
    {
        var html = Render("有給は20日です［１，２］。Also [1, 3].");

        Assert.Equal(2, Count(html, "data-cite=\"1\""));
        Assert.Equal(1, Count(html, "data-cite=\"2\""));
        Assert.Equal(1, Count(html, "data-cite=\"3\""));
    }

    [Fact]
    public void ToSafeHtml_ScriptTag_EscapedNotExecuted()
    {
        var html = Render("Hello <script>alert('x')</script> world [1]");

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Theory]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<a href=\"javascript:alert(1)\">click</a>")]
    [InlineData("<div style=\"background:url(javascript:alert(1))\" onclick=\"alert(1)\">x</div>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("<style>body{display:none}</style>")]
    public void ToSafeHtml_RawHtml_RenderedAsText(string raw)
    {
        var html = Render("Text " + raw);

        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a ", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<div", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;", html);
    }

    [Theory]
    [InlineData("[click me](javascript:alert(1))")]
    [InlineData("[click me](https://evil.example/phish)")]
    [InlineData("[click me][ref]\n\n[ref]: https://evil.example")]
    [InlineData("<https://evil.example/click me>")]
    public void ToSafeHtml_MarkdownLinks_BecomePlainText(string markdown)
    {
        var html = Render(markdown);

        Assert.DoesNotContain("<a", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("click", html);
    }

    [Fact]
    public void ToSafeHtml_ReferenceDefinitionHijackingCitation_CitationKeepsOurHref()
    {
        var html = Render("Claim [1].\n\n[1]: javascript:alert(1)");

        Assert.Contains("<a class=\"kp-cite\" href=\"/documents/doc-1#chunk\" data-cite=\"1\">[1]</a>", html);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ToSafeHtml_MarkdownCitationLink_OnlyOurLinkRemains()
    {
        var html = Render("Claim [1](https://evil.example).");

        Assert.Equal(1, Count(html, "<a "));
        Assert.Contains("href=\"/documents/doc-1#chunk\"", html);
        Assert.DoesNotContain("href=\"https://evil", html);
    }

    [Fact]
    public void ToSafeHtml_Images_Removed()
    {
        var html = Render("See ![chart](https://evil.example/track.png) and ![x](data:image/png;base64,AAAA)");

        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("evil.example", html);
        Assert.DoesNotContain("data:", html);
    }

    [Fact]
    public void ToSafeHtml_BasicFormatting_Kept()
    {
        var html = Render("# Title\n\n- *one*\n- `two`\n\n1. first\n\n> quote\n\n```\ncode [1]\n```\n\n| A | B |\n|---|--:|\n| 1 | 2 |\n\nline  \nbreak");

        foreach (var tag in new[] { "<h1>", "<ul>", "<li>", "<em>", "<code>", "<ol>", "<blockquote>", "<pre>", "<table>", "<thead>", "<tbody>", "<tr>", "<th>", "<td>", "<br>" })
            Assert.Contains(tag, html);
        Assert.DoesNotContain("style=", html);
        Assert.DoesNotContain("class=\"language", html);
    }

    [Fact]
    public void ToSafeHtml_CitationInsideCode_NotLinked()
    {
        var html = Render("Use `items[1]` here.\n\n```\narr[2] = 0\n```");

        Assert.DoesNotContain("kp-cite", html);
        Assert.Contains("items[1]", html);
        Assert.Contains("arr[2] = 0", html);
    }

    [Fact]
    public void ToSafeHtml_PlaceholderCharactersInInput_Stripped()
    {
        var html = Render("a\uE0001\uE001b");

        Assert.DoesNotContain("kp-cite", html);
        Assert.DoesNotContain("\uE000", html);
        Assert.Contains("a1b", html);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData(" javascript:alert(1)")]
    [InlineData("JAVASCRIPT:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("vbscript:x")]
    [InlineData("//evil.example/x")]
    public void ToSafeHtml_UnsafeCitationHref_CitationStaysText(string href)
    {
        var html = AnswerMarkdown.ToSafeHtml("Claim [1].", _ => href);

        Assert.DoesNotContain("<a", html);
        Assert.Contains("Claim [1].", html);
    }

    [Fact]
    public void ToSafeHtml_HrefWithQuotes_AttributeEncoded()
    {
        var html = AnswerMarkdown.ToSafeHtml("Claim [1].", _ => "/doc?q=\"><script>alert(1)</script>");

        Assert.DoesNotContain("<script", html);
        Assert.Contains("kp-cite", html);
    }

    [Theory]
    [InlineData("/documents/1", true)]
    [InlineData("documents/1?x=a:b", true)]
    [InlineData("#c1", true)]
    [InlineData("https://portal.example/doc/1", true)]
    [InlineData("http://portal.example/doc/1", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("mailto:a@b.c", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsSafeHref_Url_Expected(string? href, bool expected)
    {
        Assert.Equal(expected, AnswerMarkdown.IsSafeHref(href));
    }

    [Fact]
    public void ToSafeHtml_Empty_Empty()
    {
        Assert.Equal(string.Empty, Render(string.Empty));
    }

    private static int Count(string text, string value) => text.Split(value).Length - 1;
}
