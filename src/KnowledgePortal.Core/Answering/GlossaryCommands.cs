using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Audit;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Answering;

/// <summary>The query-expansion glossary (term → synonyms) that knowledge managers keep. Changes are audited.</summary>
public sealed class GlossaryCommands(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<List<GlossaryEntry>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Glossary.AsNoTracking().OrderBy(g => g.Term).ToListAsync(ct);
    }

    /// <summary>Creates or updates the entry for <paramref name="term"/>. Returns an error message, or null on success.</summary>
    public async Task<string?> SaveAsync(UserAccess actor, int? id, string term, IEnumerable<string> synonyms, CancellationToken ct = default)
    {
        if (!actor.IsKnowledgeManager) return "Only knowledge managers and administrators edit the glossary.";
        term = term.Trim();
        var cleaned = synonyms.Select(s => s.Trim()).Where(s => s.Length > 0 && !string.Equals(s, term, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase).Take(50).ToArray();
        if (term.Length is 0 or > 200) return "The term must have 1 to 200 characters.";
        if (cleaned.Length == 0) return "Give at least one synonym.";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Glossary.AnyAsync(g => g.Term == term && g.Id != (id ?? 0), ct)) return $"\"{term}\" is already in the glossary.";
        var entry = id is { } existing ? await db.Glossary.FirstOrDefaultAsync(g => g.Id == existing, ct) : null;
        if (id is not null && entry is null) return "This entry no longer exists.";
        if (entry is null) db.Glossary.Add(entry = new GlossaryEntry { Term = term });
        entry.Term = term;
        entry.Synonyms = cleaned;
        entry.UpdatedAt = DateTimeOffset.UtcNow;
        AuditLog.Add(db, actor.UserName, "glossary-change", "glossary", term, new { synonyms = cleaned });
        await db.SaveChangesAsync(ct);
        return null;
    }

    public async Task<bool> DeleteAsync(UserAccess actor, int id, CancellationToken ct = default)
    {
        if (!actor.IsKnowledgeManager) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entry = await db.Glossary.FirstOrDefaultAsync(g => g.Id == id, ct);
        if (entry is null) return false;
        db.Glossary.Remove(entry);
        AuditLog.Add(db, actor.UserName, "glossary-delete", "glossary", entry.Term);
        await db.SaveChangesAsync(ct);
        return true;
    }
}
