using System.Text;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>Normalises extracted text so that search and chunking see one canonical form.</summary>
public static class TextNormalizer
{
    /// <summary>
    /// NFKC-normalises <paramref name="text"/>, removes control, zero-width and bidi-format characters and lone
    /// surrogates, and collapses every run of whitespace into a single space (no leading or trailing space).
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;

        // string.Normalize throws on ill-formed UTF-16, so drop lone surrogates first.
        var wellFormed = RemoveLoneSurrogates(text);
        string normalized;
        try
        {
            normalized = wellFormed.IsNormalized(NormalizationForm.FormKC)
                ? wellFormed
                : wellFormed.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            normalized = wellFormed;
        }

        var sb = new StringBuilder(normalized.Length);
        var pendingSpace = false;
        foreach (var c in normalized)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (IsRemovable(c)) continue;
            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>True for characters that carry no visible text: C0/C1 controls, zero-width and bidi formatting marks.</summary>
    internal static bool IsRemovable(char c)
    {
        if (char.IsControl(c)) return true;
        return c switch
        {
            '\u00AD' => true,                 // soft hyphen
            '\u180E' => true,                 // Mongolian vowel separator
            >= '\u200B' and <= '\u200F' => true, // ZWSP, ZWNJ, ZWJ, LRM, RLM
            >= '\u202A' and <= '\u202E' => true, // bidi embeddings / overrides
            >= '\u2060' and <= '\u2064' => true, // word joiner, invisible operators
            >= '\u2066' and <= '\u2069' => true, // bidi isolates
            '\uFEFF' => true,                 // BOM / zero-width no-break space
            '\uFFFE' or '\uFFFF' => true,     // non-characters
            _ => false,
        };
    }

    private static string RemoveLoneSurrogates(string s)
    {
        var firstBad = -1;
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(s[i])) { firstBad = i; break; }
        }
        if (firstBad < 0) return s;

        var sb = new StringBuilder(s.Length);
        sb.Append(s, 0, firstBad);
        for (var i = firstBad; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                sb.Append(c).Append(s[i + 1]);
                i++;
            }
            else if (!char.IsSurrogate(c))
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>True when <paramref name="c"/> belongs to a script written without spaces between words (CJK, kana).</summary>
    internal static bool IsSpacelessScript(char c) =>
        c is >= '\u2E80' and <= '\u9FFF'   // CJK radicals, punctuation, kana, CJK ideographs (incl. ext. A)
          or >= '\uF900' and <= '\uFAFF'   // CJK compatibility ideographs
          or >= '\uFF5F' and <= '\uFFEF';  // half-width kana and CJK punctuation forms (not full-width ASCII)
}
