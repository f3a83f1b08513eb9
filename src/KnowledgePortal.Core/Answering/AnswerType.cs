using System.Text;
using System.Text.RegularExpressions;

namespace KnowledgePortal.Core.Answering;

/// <summary>What kind of value a question asks for.</summary>
public enum AnswerKind { None, Hours, Time, Date, Number }

/// <summary>
/// The value a question asks for — opening hours, a time, a date, a number of something ("how many days", 何日) — and
/// whether a sentence states one. Used by <see cref="ExtractiveAnswerer"/> to prefer "open 8:30–19:00" over a sentence
/// that merely mentions reception, and "日数: 5日" over "1か月以内に".
/// </summary>
/// <param name="Kind">The kind of value.</param>
/// <param name="Unit">For numbers, the counted thing when the question names it ("day", "日"); else null.</param>
public sealed partial record AnswerType(AnswerKind Kind, string? Unit = null)
{
    public static readonly AnswerType None = new(AnswerKind.None);

    [GeneratedRegex(@"\b(?:opening|office|business|reception|working|core|service) hours\b|\bwhat hours\b|\bhours\b|何時から|何時まで|時間帯|受付時間|営業時間|開館時間|窓口時間", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HoursQuestion();

    [GeneratedRegex(@"\bwhat time\b|\bwhen (?:does|do|is|are)\b.*\b(?:open|close|start|end|begin|finish)|何時", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TimeQuestion();

    [GeneratedRegex(@"\bwhen\b|\bwhat date\b|\bwhich (?:day|date)\b|\bdeadline\b|\bby when\b|いつ|何月|期限|締め切り|締切|日付", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DateQuestion();

    [GeneratedRegex(@"\bhow many (?<unit>[a-z]+)|\bhow (?:much|long|old|often|far|big|large|high)\b|\bwhat (?:percentage|percent|share|number|amount)\b|\bnumber of\b|何(?<unit>日|人|名|回|件|年|か月|ヶ月|カ月|歳|才|円|割|時間|分|倍|社|台|個|%|パーセント)|いくら|どのくらい|どれくらい|どれだけ|どの程度", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberQuestion();

    [GeneratedRegex(@"\d{1,2}\s*[:：]\s*\d{2}\s*(?:[-–—~〜～]|to|until|till|から)\s*\d{1,2}\s*[:：]\s*\d{2}|\d{1,2}\s*時\s*(?:\d{1,2}\s*分)?\s*(?:[-–—~〜～]|から)\s*\d{1,2}\s*時|\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)\s*(?:[-–—~〜～]|to|until)\s*\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HoursValue();

    [GeneratedRegex(@"\d{1,2}\s*[:：]\s*\d{2}|\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)(?![a-z])|\d{1,2}\s*時|午前|午後|\bnoon\b|\bmidnight\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TimeValue();

    [GeneratedRegex(@"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}\s*月|\d{4}\s*年|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{1,2}\b|\b(?:1[5-9]|20)\d{2}\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|[月火水木金土日]曜", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DateValue();

    [GeneratedRegex(@"\d|[一二三四五六七八九十百千万億]+(?:日|人|名|回|件|年|か月|ヶ月|歳|円|割|時間|分|倍)|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|half|twice)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberValue();

    [GeneratedRegex(@"(?:\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million)\b|[一二三四五六七八九十百千万億]+)")]
    private static partial Regex Quantity();

    /// <summary>The value <paramref name="question"/> asks for: hours before time, number before date.</summary>
    public static AnswerType Of(string question)
    {
        var q = question.Normalize(NormalizationForm.FormKC);
        if (HoursQuestion().IsMatch(q)) return new(AnswerKind.Hours);
        if (TimeQuestion().IsMatch(q)) return new(AnswerKind.Time);
        if (NumberQuestion().Match(q) is { Success: true } n)
        {
            var unit = n.Groups["unit"].Success ? n.Groups["unit"].Value.ToLowerInvariant() : null;
            return new(AnswerKind.Number, unit is null ? null : AnswerTokenizer.IsCjk(unit[0]) ? unit : AnswerTokenizer.Stem(unit));
        }
        if (DateQuestion().IsMatch(q)) return new(AnswerKind.Date);
        return None;
    }

    /// <summary>True when <paramref name="text"/> states a value of this type (a time span for hours, a count of the unit for numbers).</summary>
    public bool Holds(string text)
    {
        var t = text.Normalize(NormalizationForm.FormKC);
        return Kind switch
        {
            AnswerKind.Hours => HoursValue().IsMatch(t),
            AnswerKind.Time => TimeValue().IsMatch(t),
            AnswerKind.Date => DateValue().IsMatch(t),
            AnswerKind.Number when Unit is null => NumberValue().IsMatch(t),
            AnswerKind.Number => CountsUnit(t),
            _ => false,
        };
    }

    /// <summary>A quantity followed by the unit within two words ("10 days of leave", "20 working days", "5日", "3か月").</summary>
    private bool CountsUnit(string text)
    {
        var lower = text.ToLowerInvariant();
        foreach (Match m in Quantity().Matches(lower))
        {
            var after = lower[(m.Index + m.Length)..].TrimStart();
            if (AnswerTokenizer.IsCjk(Unit![0]))
            {
                if (after.StartsWith(Unit, StringComparison.Ordinal) || (Unit is "か月" or "ヶ月" or "カ月" && (after.StartsWith("か月") || after.StartsWith("ヶ月") || after.StartsWith("カ月"))))
                    return true;
                continue;
            }
            var words = after.Split([' ', '-', ','], 4, StringSplitOptions.RemoveEmptyEntries);
            if (words.Take(3).Any(w => AnswerTokenizer.Stem(new string(w.TakeWhile(char.IsLetter).ToArray())) == Unit))
                return true;
        }
        return false;
    }
}
