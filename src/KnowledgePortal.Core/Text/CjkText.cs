using System.Text;

namespace KnowledgePortal.Core.Text;

/// <summary>Character classification shared by sentence splitting, search indexing and the hashing embedder.</summary>
internal static class CjkText
{
    /// <summary>
    /// True for letters of scripts written without spaces between words: Han ideographs (incl. extensions and
    /// compatibility ideographs, 々 〆 〇), Hiragana, Katakana (incl. the prolonged sound mark ー and half-width forms)
    /// and Hangul. Punctuation such as 「 」 。 ・ is not included.
    /// </summary>
    public static bool IsCjk(Rune r)
    {
        int c = r.Value;
        return c switch
        {
            >= 0x1100 and <= 0x11FF => true,   // Hangul Jamo
            >= 0x2E80 and <= 0x2FDF => true,   // CJK radicals, Kangxi radicals
            >= 0x3005 and <= 0x3007 => true,   // 々 〆 〇
            >= 0x3021 and <= 0x3029 => true,   // Hangzhou numerals
            >= 0x3031 and <= 0x3035 => true,   // kana repeat marks
            >= 0x3041 and <= 0x309F => true,   // Hiragana (incl. ゝ ゞ ゟ)
            0x30FB => false,                    // ・ katakana middle dot (punctuation)
            >= 0x30A1 and <= 0x30FF => true,   // Katakana incl. ー
            >= 0x3131 and <= 0x318F => true,   // Hangul compatibility Jamo
            >= 0x31F0 and <= 0x31FF => true,   // Katakana phonetic extensions
            >= 0x3400 and <= 0x4DBF => true,   // CJK extension A
            >= 0x4E00 and <= 0x9FFF => true,   // CJK unified ideographs
            >= 0xA960 and <= 0xA97F => true,   // Hangul Jamo extended A
            >= 0xAC00 and <= 0xD7FF => true,   // Hangul syllables, Jamo extended B
            >= 0xF900 and <= 0xFAFF => true,   // CJK compatibility ideographs
            >= 0xFF66 and <= 0xFF9F => true,   // half-width Katakana (incl. ｰ)
            >= 0xFFA0 and <= 0xFFDC => true,   // half-width Hangul
            >= 0x1B000 and <= 0x1B16F => true, // Kana supplement / extended
            >= 0x20000 and <= 0x3FFFF => true, // CJK extensions B and later (planes 2 and 3)
            _ => false,
        };
    }

    /// <summary><see cref="IsCjk(Rune)"/> for a UTF-16 unit; a high surrogate is judged by its plane.</summary>
    public static bool IsCjk(char c)
    {
        if (char.IsHighSurrogate(c))
            return c is >= '\uD840' and <= '\uD8BF'; // planes 2 and 3 (U+20000..U+3FFFF)
        return !char.IsSurrogate(c) && IsCjk(new Rune(c));
    }

    /// <summary>Hiragana (particles and endings, mostly), Katakana and Han, for rules that tell them apart.</summary>
    public static bool IsHiragana(char ch) => ch is >= '\u3040' and <= '\u309F';

    public static bool IsKatakana(char ch) =>
        ch is >= '\u30A0' and <= '\u30FF' or >= '\u31F0' and <= '\u31FF' or >= '\uFF66' and <= '\uFF9F';

    public static bool IsHan(char ch) =>
        ch is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF' or '\u3005';

    /// <summary>A letter, digit or combining mark of a non-CJK script (part of a space-delimited word).</summary>
    public static bool IsWordRune(Rune r)
    {
        if (IsCjk(r)) return false;
        if (Rune.IsLetterOrDigit(r)) return true;
        var cat = Rune.GetUnicodeCategory(r);
        return cat is System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark;
    }

    /// <summary>
    /// Splits normalised text into tokens: a maximal run of word runes (a space-delimited word) or a maximal run of
    /// CJK runes. Everything else (spaces, punctuation, symbols) separates tokens and is dropped.
    /// </summary>
    public static List<(string Text, bool IsCjk)> Tokenize(string normalized)
    {
        var tokens = new List<(string, bool)>();
        var current = new StringBuilder();
        bool? currentCjk = null;

        void Flush()
        {
            if (current.Length > 0 && currentCjk is { } cjk) tokens.Add((current.ToString(), cjk));
            current.Clear();
            currentCjk = null;
        }

        foreach (var r in normalized.EnumerateRunes())
        {
            bool cjk = IsCjk(r);
            bool word = !cjk && IsWordRune(r);
            if (!cjk && !word)
            {
                Flush();
                continue;
            }
            // A combining mark never starts a token on its own.
            if (currentCjk is null && word && !Rune.IsLetterOrDigit(r)) continue;
            if (currentCjk is { } kind && kind != cjk) Flush();
            currentCjk = cjk;
            current.Append(r.ToString());
        }
        Flush();
        return tokens;
    }

    /// <summary>NFKC-normalises and lower-cases (culture-invariant) text.</summary>
    public static string Normalize(string text) => NormalizeKc(text).ToLowerInvariant();

    /// <summary>NFKC-normalises text (full-width Latin → ASCII, half-width Katakana → full-width, …).</summary>
    public static string NormalizeKc(string text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        string n;
        try
        {
            n = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Ill-formed UTF-16 (lone surrogates): replace them and retry.
            n = ReplaceLoneSurrogates(text).Normalize(NormalizationForm.FormKC);
        }
        return n;
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                sb.Append('\uFFFD');
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
