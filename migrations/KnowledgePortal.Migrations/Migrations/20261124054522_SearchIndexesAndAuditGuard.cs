using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KnowledgePortal.Migrations.Migrations
{
    /// <summary>
    /// What EF cannot model: the per-model HNSW index on an untyped vector column (docs/adr/0002) and the
    /// guard that keeps the audit trail append-only for the application.
    /// </summary>
    public partial class SearchIndexesAndAuditGuard : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // One partial expression index per embedding model: HNSW needs a fixed dimension.
            migrationBuilder.Sql("""
                CREATE INDEX ix_chunks_embedding_hnsw_kp_hash_384_v1 ON chunks
                USING hnsw ((embedding::vector(384)) vector_cosine_ops)
                WITH (m = 16, ef_construction = 64)
                WHERE embedding_model = 'kp-hash-384-v1';
                """);

            // Audit rows may be inserted by the application but never changed; deletion only by the retention job,
            // which sets kp.audit_retention for its own transaction.
            migrationBuilder.Sql("""
                CREATE FUNCTION kp_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'DELETE' AND current_setting('kp.audit_retention', true) = 'on' THEN
                    RETURN OLD;
                  END IF;
                  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION kp_audit_append_only();
                CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
                FOR EACH STATEMENT EXECUTE FUNCTION kp_audit_append_only();
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
                DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;
                DROP FUNCTION IF EXISTS kp_audit_append_only();
                DROP INDEX IF EXISTS ix_chunks_embedding_hnsw_kp_hash_384_v1;
                """);
        }
    }
}
