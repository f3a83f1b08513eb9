using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Answering;

public sealed record SessionSummary(Guid Id, string Title, DateTimeOffset UpdatedAt);

public sealed record HistoryMessage(Guid Id, string Role, string Content, IReadOnlyList<AnswerCitation> Citations, string? Provider,
    string? Route, DateTimeOffset At, bool Hidden, int? Rating);

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
        var session = await db.ChatSessions.AsNoTracking().Include(s => s.Messages).ThenInclude(m => m.Citations)
            .FirstOrDefaultAsync(s => s.Id == sessionId && s.UserId == user.UserId, ct);
        if (session is null) return null;
        var chunkIds = session.Messages.SelectMany(m => m.Citations).Select(c => c.ChunkId).Distinct().ToArray();
        var readable = (await sources.ReadablePassagesAsync(user, chunkIds, ct)).ToDictionary(p => p.ChunkId);
        var ratings = await db.Feedback.AsNoTracking().Where(f => f.UserId == user.UserId && session.Messages.Select(m => m.Id).Contains(f.MessageId))
            .ToDictionaryAsync(f => f.MessageId, f => f.Rating, ct);
        return session.Messages.OrderBy(m => m.CreatedAt).Select(m =>
        {
            var hidden = m.Citations.Any(c => !readable.ContainsKey(c.ChunkId));
            var cited = CitationMapper.Parse(m.Content).ToHashSet();
            var citations = hidden ? [] : m.Citations.Where(c => cited.Contains(c.Number)).OrderBy(c => c.Number)
                .Select(c => new AnswerCitation(c.Number, readable[c.ChunkId])).ToList();
            return new HistoryMessage(m.Id, m.Role, hidden ? HiddenAnswer : m.Content, citations, m.Provider, m.Route, m.CreatedAt, hidden,
                ratings.TryGetValue(m.Id, out var r) ? r : null);
        }).ToList();
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
