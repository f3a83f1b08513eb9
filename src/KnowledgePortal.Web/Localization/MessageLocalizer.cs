using System.Globalization;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Text;
using Microsoft.Extensions.Localization;

namespace KnowledgePortal.Web.Localization;

/// <summary>Shows a <see cref="PortalMessage"/> from Core in the UI's language.</summary>
public static class MessageLocalizer
{
    /// <summary>Resource key of a message code: "Msg." + code.</summary>
    public static string KeyOf(string code) => "Msg." + code;

    /// <summary>
    /// The translation of <c>Msg.&lt;Code&gt;</c> (strings.tsv) with its <c>{name}</c> placeholders filled from the
    /// message's arguments; the stored English text in an English UI (it may be more specific than the code's
    /// general wording), when the code is empty, or when the code has no translation.
    /// </summary>
    public static string Message(this IStringLocalizer localizer, PortalMessage? message)
    {
        if (message is null) return "";
        if (message.Code.Length == 0 || CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en") return message.Text;
        var template = localizer[KeyOf(message.Code)];
        return template.ResourceNotFound ? message.Text : PortalMessage.Fill(template.Value, WithSupportedFormats(template.Value, message.Args));
    }

    /// <summary>Reasons stored before the supported formats became an argument (or coded by kind, without arguments) name today's.</summary>
    private static IReadOnlyDictionary<string, string> WithSupportedFormats(string template, IReadOnlyDictionary<string, string> args) =>
        args.ContainsKey(IngestionMessages.FormatsArgument) || !template.Contains("{" + IngestionMessages.FormatsArgument + "}")
            ? args
            : new Dictionary<string, string>(args) { [IngestionMessages.FormatsArgument] = DocumentFormats.SupportedList };
}
