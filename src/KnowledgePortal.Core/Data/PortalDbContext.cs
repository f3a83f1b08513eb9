using KnowledgePortal.Core.Domain;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Data;

public class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Dimension of the built-in embedder; its HNSW index is created by the initial migration.</summary>
    public const int DefaultEmbeddingDimension = 384;

    public DbSet<Collection> Collections => Set<Collection>();
    public DbSet<PortalGroup> Groups => Set<PortalGroup>();
    public DbSet<GroupMapping> GroupMappings => Set<GroupMapping>();
    public DbSet<CollectionAccess> CollectionAccess => Set<CollectionAccess>();
    public DbSet<PendingGrantChange> PendingGrantChanges => Set<PendingGrantChange>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<DocumentVersion> DocumentVersions => Set<DocumentVersion>();
    public DbSet<StoredFile> StoredFiles => Set<StoredFile>();
    public DbSet<Chunk> Chunks => Set<Chunk>();
    public DbSet<PendingChunk> PendingChunks => Set<PendingChunk>();
    public DbSet<CollectionTextStats> CollectionTextStats => Set<CollectionTextStats>();
    public DbSet<CollectionTermStats> CollectionTermStats => Set<CollectionTermStats>();
    public DbSet<IngestionJob> IngestionJobs => Set<IngestionJob>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<UsageRecord> UsageRecords => Set<UsageRecord>();
    public DbSet<PortalUser> Users => Set<PortalUser>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ProvisionedGroup> ProvisionedGroups => Set<ProvisionedGroup>();
    public DbSet<ProvisionedMembership> ProvisionedMemberships => Set<ProvisionedMembership>();
    public DbSet<ChatSession> ChatSessions => Set<ChatSession>();
    public DbSet<ChatMessage> ChatMessages => Set<ChatMessage>();
    public DbSet<MessageCitation> MessageCitations => Set<MessageCitation>();
    public DbSet<Feedback> Feedback => Set<Feedback>();
    public DbSet<GlossaryEntry> Glossary => Set<GlossaryEntry>();
    public DbSet<ProviderProfile> ProviderProfiles => Set<ProviderProfile>();
    public DbSet<Budget> Budgets => Set<Budget>();
    public DbSet<PortalSetting> Settings => Set<PortalSetting>();
    public DbSet<LabQuestionSet> LabQuestionSets => Set<LabQuestionSet>();
    public DbSet<LabRun> LabRuns => Set<LabRun>();
    public DbSet<LabResult> LabResults => Set<LabResult>();
    /// <summary>The Data Protection key ring shared by every portal process; each key's XML is certificate-encrypted.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.HasPostgresExtension("vector");

        b.Entity<Collection>(e =>
        {
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasMany(x => x.Access).WithOne().HasForeignKey(x => x.CollectionId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PortalGroup>(e =>
        {
            e.ToTable("portal_groups");
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasMany(x => x.Mappings).WithOne().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<GroupMapping>(e => e.HasIndex(x => new { x.Kind, x.Value, x.GroupId }).IsUnique());
        b.Entity<CollectionAccess>(e =>
        {
            e.HasKey(x => new { x.CollectionId, x.GroupId });
            e.HasOne(x => x.Group).WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PendingGrantChange>(e =>
        {
            e.ToTable("pending_grant_changes");
            e.HasOne<Collection>().WithMany().HasForeignKey(x => x.CollectionId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.CollectionId, x.Status });
        });
        b.Entity<Document>(e =>
        {
            e.HasOne(x => x.Collection).WithMany().HasForeignKey(x => x.CollectionId).OnDelete(DeleteBehavior.Restrict);
            // One name per collection for uploads (no parent), and one per message for its attachments.
            e.HasIndex(x => new { x.CollectionId, x.ParentDocumentId, x.FileName }).IsUnique().AreNullsDistinct(false);
            // No cascade: a message is deleted with its attachments explicitly (their chunks and files too).
            e.HasOne<Document>().WithMany().HasForeignKey(x => x.ParentDocumentId).OnDelete(DeleteBehavior.NoAction);
            e.Property(x => x.FailureArgs).HasColumnType("jsonb");
            e.HasIndex(x => x.Sha256);
        });
        b.Entity<DocumentVersion>(e =>
        {
            e.HasOne<Document>().WithMany().HasForeignKey(x => x.DocumentId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.DocumentId, x.VersionNumber }).IsUnique();
        });
        b.Entity<StoredFile>();
        b.Entity<Chunk>(e =>
        {
            e.HasOne<Document>().WithMany().HasForeignKey(x => x.DocumentId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.DocumentVersionId, x.Ordinal }).IsUnique();
            e.HasIndex(x => x.CollectionId);
            // Untyped vector: the dimension depends on the embedding model (see docs/adr/0002).
            e.Property(x => x.Embedding).HasColumnType("vector");
            e.HasIndex(x => x.AllowedGroupIds).HasMethod("gin");
            e.HasIndex(x => x.SearchVector).HasMethod("gin");
            e.HasIndex(x => x.EmbeddingModel);
            e.Property(x => x.TermFreqs).HasColumnType("jsonb");
        });
        // BM25 statistics: written only by the triggers of migration Bm25Statistics.
        b.Entity<CollectionTextStats>(e =>
        {
            e.ToTable("collection_text_stats");
            e.HasKey(x => x.CollectionId);
            e.HasOne<Collection>().WithMany().HasForeignKey(x => x.CollectionId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<CollectionTermStats>(e =>
        {
            e.ToTable("collection_term_stats");
            e.HasKey(x => new { x.CollectionId, x.Term });
            e.HasIndex(x => new { x.Term, x.CollectionId }).IncludeProperties(x => x.Df);
            e.HasOne<Collection>().WithMany().HasForeignKey(x => x.CollectionId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PendingChunk>(e =>
        {
            e.Property(x => x.Embedding).HasColumnType("vector");
            e.HasOne<IngestionJob>().WithMany().HasForeignKey(x => x.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.JobId, x.Ordinal }).IsUnique();
        });
        b.Entity<IngestionJob>(e =>
        {
            e.HasOne<Document>().WithMany().HasForeignKey(x => x.DocumentId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.Status, x.CreatedAt });
            e.Property(x => x.ExtractedJson).HasColumnType("jsonb");
        });
        b.Entity<AuditEvent>(e =>
        {
            e.HasIndex(x => x.At);
            e.HasIndex(x => new { x.Action, x.At });
            e.Property(x => x.Details).HasColumnType("jsonb");
        });
        b.Entity<UsageRecord>(e =>
        {
            e.HasIndex(x => x.At);
            e.HasIndex(x => new { x.UserId, x.At });
            e.Property(x => x.Cost).HasPrecision(18, 6);
        });
        b.Entity<PortalUser>(e =>
        {
            e.ToTable("portal_users");
            e.HasIndex(x => x.Subject).IsUnique();
            e.HasIndex(x => x.UserName);
        });
        b.Entity<ApiToken>(e =>
        {
            e.ToTable("api_tokens");
            e.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.Hash).IsUnique();
            e.HasIndex(x => new { x.UserId, x.CreatedAt });
            e.Property(x => x.Name).HasMaxLength(ApiToken.MaxNameLength);
            e.Property(x => x.Prefix).HasMaxLength(16);
        });
        b.Entity<ProvisionedGroup>(e =>
        {
            e.ToTable("provisioned_groups");
            e.HasIndex(x => x.ExternalId).IsUnique();
            e.HasIndex(x => x.DisplayName);
            e.Ignore(x => x.ClaimValue);
            e.HasMany(x => x.Members).WithOne().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ProvisionedMembership>(e =>
        {
            e.ToTable("provisioned_memberships");
            e.HasKey(x => new { x.GroupId, x.UserId });
            e.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.UserId);
        });
        b.Entity<ChatSession>(e =>
        {
            e.HasIndex(x => new { x.UserId, x.UpdatedAt });
            e.HasMany(x => x.Messages).WithOne().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ChatMessage>(e =>
        {
            e.Property(x => x.Cost).HasPrecision(18, 6);
            e.Property(x => x.ContentArgs).HasColumnType("jsonb");
            e.HasMany(x => x.Citations).WithOne().HasForeignKey(x => x.MessageId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<MessageCitation>(e => e.HasIndex(x => x.ChunkId));
        b.Entity<Feedback>(e =>
        {
            e.HasOne<ChatMessage>().WithMany().HasForeignKey(x => x.MessageId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.MessageId, x.UserId }).IsUnique();
        });
        b.Entity<GlossaryEntry>(e => e.HasIndex(x => x.Term).IsUnique());
        b.Entity<ProviderProfile>(e =>
        {
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.InputPricePerMillion).HasPrecision(18, 6);
            e.Property(x => x.OutputPricePerMillion).HasPrecision(18, 6);
        });
        b.Entity<Budget>(e =>
        {
            e.Property(x => x.MonthlyCostLimit).HasPrecision(18, 6);
        });
        b.Entity<PortalSetting>(e => e.HasKey(x => x.Key));
        b.Entity<LabQuestionSet>(e =>
        {
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasMany(x => x.Questions).WithOne().HasForeignKey(x => x.SetId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<LabQuestion>(e => e.HasIndex(x => new { x.SetId, x.Ordinal }).IsUnique());
        b.Entity<LabRun>(e =>
        {
            e.HasIndex(x => x.CreatedAt);
            e.Property(x => x.Title).HasMaxLength(200);
            e.HasMany(x => x.Questions).WithOne().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Results).WithOne().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<LabRunQuestion>(e => e.HasIndex(x => new { x.RunId, x.Ordinal }).IsUnique());
        b.Entity<LabResult>(e =>
        {
            e.HasIndex(x => new { x.RunId, x.QuestionOrdinal, x.Provider }).IsUnique();
            e.Property(x => x.Cost).HasPrecision(18, 6);
            e.Property(x => x.ErrorArgs).HasColumnType("jsonb");
        });
    }
}
