using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Core.Answering;

/// <summary>
/// What Ask (and the model lab) tells a person — refusals, provider errors, "not covered", notices — as
/// <see cref="PortalMessage"/>s (codes "Ask.*", translated in the Web as "Msg.Ask.*"). The English text is the
/// message's <see cref="PortalMessage.Text"/>; arguments are language-neutral (names, addresses, numbers).
/// </summary>
public static class AskMessages
{
    public const string Prefix = "Ask.";

    public static PortalMessage Empty() => PortalMessage.Create(Prefix + "Empty", "Type a question first.");
    public static PortalMessage TooLong() => PortalMessage.Create(Prefix + "TooLong", "The question is too long (4,000 characters at most).");
    public static PortalMessage SessionGone() => PortalMessage.Create(Prefix + "SessionGone", "This conversation does not exist or is not yours.");
    public static PortalMessage Cancelled() => PortalMessage.Create(Prefix + "Cancelled", "Cancelled.");

    public static PortalMessage NotCovered(bool withheld) => withheld
        ? PortalMessage.Create(Prefix + "NotCoveredWithheld", "Relevant documents exist, but their sensitivity label does not allow sending them to any model available to you.")
        : PortalMessage.Create(Prefix + "NotCovered", "The documents you can access do not cover this question. Try other words, or ask the collection's knowledge manager to add a document.");

    /// <summary>The portal's own reply stored as an answer, rebuilt from its code (its stored text is in the question's language); null for other codes.</summary>
    public static PortalMessage? Reply(string code) => code switch
    {
        Prefix + "NotCovered" => NotCovered(false),
        Prefix + "NotCoveredWithheld" => NotCovered(true),
        _ => null,
    };

    public static PortalMessage FollowUpSubject() => PortalMessage.Create(Prefix + "FollowUpSubject",
        "No document mentions this follow-up's condition itself; these passages are what the documents say about the question it follows.");

    public static PortalMessage Fallback() => PortalMessage.Create(Prefix + "Fallback", "This answer quotes passages from your documents instead.");

    /// <summary>The lab's run named a profile that has since been disabled or deleted.</summary>
    public static PortalMessage ModelGone(string name) => PortalMessage.Create("Lab.ModelGone", "The model '{name}' is no longer enabled.", ("name", name));

    public static PortalMessage Rerouted(string target, int count, string labels, string chosen, SensitivityLabel clearance, string englishText) =>
        PortalMessage.Worded(Prefix + "Rerouted", englishText, ("target", target), ("count", count), ("labels", labels), ("chosen", chosen), ("clearance", clearance));

    public static PortalMessage Withheld(int count, string labels, string englishText) =>
        PortalMessage.Worded(Prefix + "Withheld", englishText, ("count", count), ("labels", labels));

    /// <summary>
    /// What went wrong with a model call, in words a user can act on: which profile and endpoint, and what happened
    /// (never an exception type name such as "AggregateException"). Codes "Ask.Provider*".
    /// </summary>
    public static PortalMessage ProviderError(ProviderProfile profile, Exception ex, bool timedOut, int timeoutSeconds)
    {
        var endpoint = EndpointLabel(profile);
        var at = endpoint is { } e ? $"'{profile.Name}' at {e}" : $"'{profile.Name}'";
        var root = ConnectionTestResult.Innermost(ex);
        var (outcome, status) = ConnectionTestResult.Classify(ex, timedOut);
        (string Code, string English, (string, object?)[] Args) m = outcome switch
        {
            ConnectionOutcome.Timeout when timedOut => ("TimeoutAfter", $"The model {at} did not answer within {timeoutSeconds} s. Try again, or choose another model.", [("seconds", timeoutSeconds)]),
            ConnectionOutcome.Timeout => ("Timeout", $"The model {at} did not answer in time. Try again, or choose another model.", []),
            ConnectionOutcome.Unauthorized => ("Unauthorized", $"The model {at} refused the request: its API key is missing or wrong. Ask IT to check the provider profile.", []),
            ConnectionOutcome.RateLimited => ("RateLimited", $"The model {at} is busy or over its quota (HTTP 429). Try again in a minute.", []),
            ConnectionOutcome.ModelNotFound => ("ModelNotFound", $"The model {at} was not found (HTTP 404): the endpoint or the model name '{profile.Model}' is wrong. Ask IT to check the provider profile.", [("model", profile.Model)]),
            ConnectionOutcome.HttpError when status >= 500 => ("ServerError", $"The model {at} had an internal error (HTTP {status}). Try again, or choose another model.", [("status", status)]),
            ConnectionOutcome.HttpError => ("Rejected", $"The model {at} rejected the request (HTTP {status}). Ask IT to check the provider profile.", [("status", status)]),
            ConnectionOutcome.Unreachable => ConnectionTestResult.CauseOf(ex) switch
            {
                UnreachableCause.Refused => ("Refused", $"The model {at} could not be reached: nothing is listening there (connection refused). Is the model server running?", []),
                UnreachableCause.UnknownHost => ("UnknownHost", $"The model {at} could not be reached: the host name is unknown. Ask IT to check the endpoint.", []),
                UnreachableCause.Tls => ("Tls", $"The model {at} could not be reached securely: its TLS certificate was not accepted. Ask IT to check the endpoint.", []),
                _ => ("Unreachable", $"The model {at} could not be reached (the connection failed). Try again, or choose another model.", []),
            },
            ConnectionOutcome.NotConfigured => ("NotConfigured", $"The model '{profile.Name}' is not configured correctly: {root.Message}", [("detail", root.Message)]),
            _ when root is System.Text.Json.JsonException or FormatException => ("Unreadable", $"The model {at} sent a reply the portal could not read: is the endpoint an OpenAI-compatible API?", []),
            _ => ("Failed", $"The model {at} failed to answer. Try again, or choose another model.", []),
        };
        // The endpoint is an argument of its own (empty when the profile has none): translations word "X at Y" their way.
        return PortalMessage.Worded(Prefix + "Provider" + m.Code, m.English, [("name", profile.Name), ("endpoint", endpoint ?? "—"), .. m.Args]);
    }

    /// <summary>Scheme, host, port and path of a profile's endpoint (no credentials or query), or null when it has none.</summary>
    public static string? EndpointLabel(ProviderProfile profile)
    {
        if (string.IsNullOrWhiteSpace(profile.Endpoint)) return null;
        return Uri.TryCreate(profile.Endpoint.Trim(), UriKind.Absolute, out var u)
            ? $"{u.Scheme}://{u.Authority}{u.AbsolutePath.TrimEnd('/')}"
            : profile.Endpoint.Trim();
    }
}
