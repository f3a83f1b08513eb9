using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Core.Text;
using Microsoft.EntityFrameworkCore;
using DomainMessage = KnowledgePortal.Core.Domain.ChatMessage;

namespace KnowledgePortal.Core.Answering;

public sealed record SessionSummary(Guid Id, string Title, DateTimeOffset UpdatedAt);

/// <summary>The earlier turns a model may receive, and the highest label among the passages they were built from.</summary>
public sealed record ModelHistory(IReadOnlyList<(string Role, string Content)> Turns, SensitivityLabel Sensitivity)
{
    public static ModelHistory Empty { get; } = new([], SensitivityLabel.Public);
}

/// <param name="ContentMessage">Set when the answer is the portal's own reply ("not covered"): shown in the reader's language.</param>
public sealed record HistoryMessage(Guid Id, string Role, string Content, IReadOnlyList<AnswerCitation> Citations, string? Provider,
    string? Route, DateTimeOffset At, bool Hidden, int? Rating, PortalMessage? ContentMessage = null);

/// <summary>
/// A user's conversations. Past answers are re-checked against the user's access today: an answer whose sources
/// the user can no longer read is hidden, so revoking access also revokes what history would show.
/// </summary>
public sealed class ChatHistory(IDbContextFactory<PortalDbContext> dbFactory, SourceAccess sources)
{
    public const string HiddenAnswer = "This answer used sources you can no longer read, so it is hidden.";

    public async Task<List<SessionSummary>> ListAsync(UserAccess user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ChatSessions.AsNoTracking().Where(s => s.UserId == user.UserId).OrderByDescending(s => s.UpdatedAt)
            .Select(s => new SessionSummary(s.Id, s.Title, s.UpdatedAt)).Take(200).ToListAsync(ct);
    }

    public async Task<List<HistoryMessage>?> LoadAsync(UserAccess user, Guid sessionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await LoadCheckedAsync(db, user, sessionId, ct) is not var (messages, readable)) return null;
        var ids = messages.Select(m => m.Id).ToList();
        var ratings = await db.Feedback.AsNoTracking().Where(f => f.UserId == user.UserId && ids.Contains(f.MessageId))
            .ToDictionaryAsync(f => f.MessageId, f => f.Rating, ct);
        return messages.Select(m =>
        {
            var hidden = IsHidden(m, readable);
            var cited = CitationMapper.Parse(m.Content).ToHashSet();
            var citations = hidden ? [] : m.Citations.Where(c => cited.Contains(c.Number)).OrderBy(c => c.Number)
                .Select(c => new AnswerCitation(c.Number, readable[c.ChunkId])).ToList();
            return new HistoryMessage(m.Id, m.Role, hidden ? HiddenAnswer : m.Content, citations, m.Provider, m.Route, m.CreatedAt, hidden,
                ratings.TryGetValue(m.Id, out var r) ? r : null,
                hidden || m.ContentCode is null ? null : AskMessages.Reply(m.ContentCode));
        }).ToList();
    }

    /// <summary>
    /// The conversation as a model may receive it (rewrite and answer prompts): the same access check as the page,
    /// and a turn whose answer is hidden is dropped whole (its question too), never sent as raw text.
    /// </summary>
    public async Task<ModelHistory> ForModelAsync(UserAccess user, Guid sessionId, int maxTurns, CancellationToken ct = default)
    {
        if (maxTurns <= 0) return ModelHistory.Empty;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await LoadCheckedAsync(db, user, sessionId, ct) is not var (messages, readable)) return ModelHistory.Empty;
        var kept = new List<DomainMessage>();
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            if (m.Role == "user" && i + 1 < messages.Count && messages[i + 1].Role == "assistant" && IsHidden(messages[i + 1], readable)) continue;
            if (IsHidden(m, readable)) continue;
            kept.Add(m);
        }
        kept = kept.TakeLast(maxTurns * 2).ToList();
        var labels = kept.SelectMany(m => m.Citations).Select(c => readable[c.ChunkId].Sensitivity).ToList();
        return new ModelHistory(kept.Select(m => (m.Role, m.Content)).ToList(), labels.Count == 0 ? SensitivityLabel.Public : labels.Max());
    }

    /// <summary>One rule for history: an answer is hidden when any passage it was built from is no longer readable.</summary>
    private static bool IsHidden(DomainMessage m, IReadOnlyDictionary<long, RetrievedPassage> readable) =>
        m.Citations.Any(c => !readable.ContainsKey(c.ChunkId));

    private async Task<(List<DomainMessage> Messages, Dictionary<long, RetrievedPassage> Readable)?> LoadCheckedAsync(
        PortalDbContext db, UserAccess user, Guid sessionId, CancellationToken ct)
    {
        var session = await db.ChatSessions.AsNoTracking().Include(s => s.Messages).ThenInclude(m => m.Citations)
            .FirstOrDefaultAsync(s => s.Id == sessionId && s.UserId == user.UserId, ct);
        if (session is null) return null;
        var chunkIds = session.Messages.SelectMany(m => m.Citations).Select(c => c.ChunkId).Distinct().ToArray();
        var readable = (await sources.ReadablePassagesAsync(user, chunkIds, ct)).ToDictionary(p => p.ChunkId);
        return (session.Messages.OrderBy(m => m.CreatedAt).ToList(), readable);
    }

    public async Task<bool> RenameAsync(UserAccess user, Guid sessionId, string title, CancellationToken ct = default)
    {
        title = title.Trim();
        if (title.Length is 0 or > 200) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ChatSessions.Where(s => s.Id == sessionId && s.UserId == user.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Title, title), ct) > 0;
    }

    public async Task<bool> DeleteAsync(UserAccess user, Guid sessionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ChatSessions.Where(s => s.Id == sessionId && s.UserId == user.UserId).ExecuteDeleteAsync(ct) > 0;
    }

    /// <summary>Thumbs up (+1) or down (-1) with an optional comment, on the user's own answers only.</summary>
    public async Task<bool> RateAsync(UserAccess user, Guid messageId, int rating, string? comment, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var owns = await db.ChatMessages.AnyAsync(m => m.Id == messageId && m.Role == "assistant"
            && db.ChatSessions.Any(s => s.Id == m.SessionId && s.UserId == user.UserId), ct);
        if (!owns) return false;
        var existing = await db.Feedback.FirstOrDefaultAsync(f => f.MessageId == messageId && f.UserId == user.UserId, ct);
        if (existing is null) db.Feedback.Add(existing = new Feedback { MessageId = messageId, UserId = user.UserId });
        existing.Rating = Math.Sign(rating);
        existing.Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()[..Math.Min(comment.Trim().Length, 2000)];
        existing.At = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        return true;
    }
}
