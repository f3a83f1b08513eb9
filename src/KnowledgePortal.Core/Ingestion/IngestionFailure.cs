using KnowledgePortal.Core.Ingestion.Extraction;
using KnowledgePortal.Core.Text;
using Npgsql;

namespace KnowledgePortal.Core.Ingestion;

/// <summary>
/// Why a job could not go on, and whether running it again can help: <see cref="IngestionFailureKind.Fatal"/> fails the
/// file at once with <see cref="Reason"/>; <see cref="IngestionFailureKind.Transient"/> is retried with backoff, and
/// <see cref="Reason"/> is what the document shows when the attempts run out.
/// </summary>
public sealed class IngestionFailure : Exception
{
    private IngestionFailure(IngestionFailureKind kind, PortalMessage reason, Exception? inner) : base(reason.Text, inner)
    {
        Kind = kind;
        Reason = reason;
    }

    public IngestionFailureKind Kind { get; }

    /// <summary>Code, arguments and English text of the reason (stored on the document for the UI to translate).</summary>
    public PortalMessage Reason { get; }

    /// <summary>The type of the underlying error, for the log (never its message: that may quote the file).</summary>
    public string ErrorName => InnerException?.GetType().Name ?? nameof(IngestionFailure);

    public static IngestionFailure Fatal(PortalMessage reason, Exception? inner = null) => new(IngestionFailureKind.Fatal, reason, inner);

    public static IngestionFailure Transient(PortalMessage reason, Exception? inner = null) => new(IngestionFailureKind.Transient, reason, inner);

    /// <summary>Any error of a run as a failure: what the extractor refused is fatal, everything else transient.</summary>
    public static IngestionFailure Of(Exception ex) => ex switch
    {
        IngestionFailure failure => failure,
        ExtractionException refused => Fatal(refused.Detail, refused),
        HttpRequestException => Transient(IngestionMessages.EmbeddingUnreachable(), ex),
        NpgsqlException => Transient(IngestionMessages.DatabaseUnavailable(), ex),
        _ => Transient(IngestionMessages.InternalError(ex.GetType().Name), ex),
    };
}
