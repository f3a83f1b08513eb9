using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KnowledgePortal.Core.Text;

/// <summary>
/// A sentence produced in Core for a person to read, kept in a form the UI can show in its own language: a stable
/// <see cref="Code"/>, named <see cref="Args"/> and the English <see cref="Text"/> (what logs, the CLI and rows written
/// before codes existed show).
/// </summary>
/// <remarks>
/// How to use it:
/// <list type="number">
/// <item>Create it where the message arises: <c>PortalMessage.Create("Ingestion.TooManyPages",
/// "This PDF has {pages} pages; the limit is {limit}.", ("pages", 352), ("limit", 5000))</c>. Codes are
/// "Area.Name"; the template is the English default and uses the same <c>{name}</c> placeholders as the translations.</item>
/// <item>Store <see cref="Code"/> and <see cref="ArgsJson"/> (a jsonb column) next to the English <see cref="Text"/>;
/// read it back with <see cref="FromStored"/>, which also turns an old row with text only into a message.</item>
/// <item>In the Web, show it with the <c>Message(...)</c> extension on the string localizer: it looks up
/// <c>Msg.&lt;Code&gt;</c> in strings.tsv and fills the placeholders, falling back to <see cref="Text"/> for a code
/// the UI does not know. Add a <c>Msg.&lt;Code&gt;</c> row (English and Japanese) for every new code.</item>
/// </list>
/// Arguments are formatted once, with the invariant culture, so a stored message reads the same in every language.
/// </remarks>
public sealed record PortalMessage(string Code, string Text, IReadOnlyDictionary<string, string> Args)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A message whose English text is <paramref name="template"/> with the arguments filled in.</summary>
    public static PortalMessage Create(string code, string template, params (string Name, object? Value)[] args)
    {
        var message = Worded(code, "", args);
        return message with { Text = Fill(template, message.Args) };
    }

    /// <summary>
    /// A message whose English text was worded in Core (plurals, optional parts) rather than filled from a template;
    /// the arguments are still what translations fill their placeholders with.
    /// </summary>
    public static PortalMessage Worded(string code, string englishText, params (string Name, object? Value)[] args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in args) map[name] = FormatValue(value);
        return new PortalMessage(code, englishText, map);
    }

    /// <summary>A message known only by its English text (no translation): shown as is in every language.</summary>
    public static PortalMessage Untranslated(string text) => new("", text, new Dictionary<string, string>());

    /// <summary>The arguments as a JSON object, for a jsonb column; null when there are none.</summary>
    public string? ArgsJson => Args.Count == 0 ? null : JsonSerializer.Serialize(Args, Json);

    /// <summary>Reads a stored message; null when there is no text. Rows without a code read as untranslated text.</summary>
    public static PortalMessage? FromStored(string? code, string? argsJson, string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        Dictionary<string, string>? args = null;
        if (!string.IsNullOrEmpty(argsJson))
        {
            try { args = JsonSerializer.Deserialize<Dictionary<string, string>>(argsJson, Json); }
            catch (JsonException) { args = null; }
        }
        return new PortalMessage(code ?? "", text, args ?? new Dictionary<string, string>());
    }

    /// <summary>
    /// Replaces each <c>{name}</c> in <paramref name="template"/> by its argument; an unknown name is left as written,
    /// so a translation that mentions a placeholder the message does not carry shows it rather than failing.
    /// </summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> args)
    {
        if (args.Count == 0 || template.IndexOf('{') < 0) return template;
        var sb = new StringBuilder(template.Length + 16);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            var close = open < 0 ? -1 : template.IndexOf('}', open + 1);
            if (open < 0 || close < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            sb.Append(template, i, open - i);
            var name = template.Substring(open + 1, close - open - 1);
            if (args.TryGetValue(name, out var value)) sb.Append(value);
            else sb.Append(template, open, close - open + 1);
            i = close + 1;
        }
        return sb.ToString();
    }

    private static string FormatValue(object? value) => value switch
    {
        null => "",
        int or long or short => string.Format(CultureInfo.InvariantCulture, "{0:N0}", value),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
