using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KnowledgePortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Bm25Statistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "context_index_text",
                table: "pending_chunks",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "term_count",
                table: "chunks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "term_freqs",
                table: "chunks",
                type: "jsonb",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "collection_term_stats",
                columns: table => new
                {
                    collection_id = table.Column<int>(type: "integer", nullable: false),
                    term = table.Column<string>(type: "text", nullable: false),
                    df = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_collection_term_stats", x => new { x.collection_id, x.term });
                    table.ForeignKey(
                        name: "fk_collection_term_stats_collections_collection_id",
                        column: x => x.collection_id,
                        principalTable: "collections",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "collection_text_stats",
                columns: table => new
                {
                    collection_id = table.Column<int>(type: "integer", nullable: false),
                    chunks = table.Column<long>(type: "bigint", nullable: false),
                    terms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_collection_text_stats", x => x.collection_id);
                    table.ForeignKey(
                        name: "fk_collection_text_stats_collections_collection_id",
                        column: x => x.collection_id,
                        principalTable: "collections",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_collection_term_stats_term_collection_id",
                table: "collection_term_stats",
                columns: new[] { "term", "collection_id" })
                .Annotation("Npgsql:IndexInclude", new[] { "df" });

            // Okapi BM25 in PostgreSQL (docs/adr/0004-bm25-in-postgresql.md). English words are stemmed by Snowball
            // (no stop words: they are dropped from queries only); everything else (CJK bigrams, digits) stays as
            // in 'simple'. The context (heading path, slide title, sheet name) is weight A and counts twice in tf.
            migrationBuilder.Sql("""
                CREATE TEXT SEARCH DICTIONARY portal_english_stem (TEMPLATE = snowball, Language = english);
                CREATE TEXT SEARCH CONFIGURATION portal (COPY = simple);
                ALTER TEXT SEARCH CONFIGURATION portal ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH portal_english_stem;

                CREATE FUNCTION portal_search_vector(context_text text, body_text text) RETURNS tsvector
                    LANGUAGE sql IMMUTABLE PARALLEL SAFE
                    AS $$ SELECT setweight(to_tsvector('portal'::regconfig, coalesce(context_text, '')), 'A')
                                 || to_tsvector('portal'::regconfig, coalesce(body_text, '')) $$;

                CREATE FUNCTION portal_term_freqs(v tsvector) RETURNS jsonb
                    LANGUAGE sql IMMUTABLE PARALLEL SAFE
                    AS $$ SELECT coalesce(jsonb_object_agg(lexeme, cardinality(positions) + cardinality(array_positions(weights, 'A'))), '{}'::jsonb)
                          FROM unnest(v) $$;

                CREATE FUNCTION chunks_set_term_freqs() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.term_freqs := portal_term_freqs(coalesce(NEW.search_vector, ''::tsvector));
                    NEW.term_count := (SELECT coalesce(sum(value::int), 0) FROM jsonb_each_text(NEW.term_freqs));
                    RETURN NEW;
                END $$;

                -- Statistics move with the chunks. The collection's totals row is touched first in every statement, so
                -- it serialises writers of one collection and term rows are always locked under it (no deadlocks).
                CREATE FUNCTION chunks_stats_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO collection_text_stats AS s (collection_id, chunks, terms)
                    SELECT collection_id, count(*), sum(term_count) FROM new_rows GROUP BY collection_id ORDER BY collection_id
                    ON CONFLICT (collection_id) DO UPDATE SET chunks = s.chunks + excluded.chunks, terms = s.terms + excluded.terms;
                    INSERT INTO collection_term_stats AS s (collection_id, term, df)
                    SELECT n.collection_id, k.term, count(*) FROM new_rows n, jsonb_object_keys(n.term_freqs) k(term)
                    GROUP BY 1, 2 ORDER BY 1, 2
                    ON CONFLICT (collection_id, term) DO UPDATE SET df = s.df + excluded.df;
                    RETURN NULL;
                END $$;

                CREATE FUNCTION chunks_stats_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM 1 FROM collection_text_stats WHERE collection_id IN (SELECT collection_id FROM old_rows)
                        ORDER BY collection_id FOR UPDATE;
                    UPDATE collection_text_stats s SET chunks = s.chunks - d.chunks, terms = s.terms - d.terms
                    FROM (SELECT collection_id, count(*) AS chunks, sum(term_count) AS terms FROM old_rows GROUP BY collection_id) d
                    WHERE s.collection_id = d.collection_id;
                    UPDATE collection_term_stats s SET df = s.df - d.n
                    FROM (SELECT o.collection_id, k.term, count(*) AS n FROM old_rows o, jsonb_object_keys(o.term_freqs) k(term) GROUP BY 1, 2) d
                    WHERE s.collection_id = d.collection_id AND s.term = d.term;
                    DELETE FROM collection_term_stats s USING (SELECT DISTINCT o.collection_id, k.term FROM old_rows o, jsonb_object_keys(o.term_freqs) k(term)) d
                    WHERE s.collection_id = d.collection_id AND s.term = d.term AND s.df <= 0;
                    RETURN NULL;
                END $$;

                -- A chunk whose text or collection changes in place (rare: ingestion inserts and deletes): row by row.
                CREATE FUNCTION chunks_stats_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF OLD.collection_id = NEW.collection_id AND OLD.term_freqs IS NOT DISTINCT FROM NEW.term_freqs THEN RETURN NULL; END IF;
                    PERFORM 1 FROM collection_text_stats WHERE collection_id IN (OLD.collection_id, NEW.collection_id) ORDER BY collection_id FOR UPDATE;
                    UPDATE collection_text_stats SET chunks = chunks - 1, terms = terms - OLD.term_count WHERE collection_id = OLD.collection_id;
                    UPDATE collection_term_stats s SET df = s.df - 1
                    WHERE s.collection_id = OLD.collection_id AND s.term IN (SELECT jsonb_object_keys(OLD.term_freqs));
                    DELETE FROM collection_term_stats WHERE collection_id = OLD.collection_id AND df <= 0
                        AND term IN (SELECT jsonb_object_keys(OLD.term_freqs));
                    INSERT INTO collection_text_stats AS s (collection_id, chunks, terms) VALUES (NEW.collection_id, 1, NEW.term_count)
                    ON CONFLICT (collection_id) DO UPDATE SET chunks = s.chunks + 1, terms = s.terms + excluded.terms;
                    INSERT INTO collection_term_stats AS s (collection_id, term, df)
                    SELECT NEW.collection_id, k, 1 FROM jsonb_object_keys(NEW.term_freqs) k ORDER BY k
                    ON CONFLICT (collection_id, term) DO UPDATE SET df = s.df + 1;
                    RETURN NULL;
                END $$;

                -- Existing chunks: stem the English lexemes of the old 'simple' vectors in place (positions kept; the
                -- context weight comes with the next import of a document), then derive tf and the statistics.
                UPDATE chunks c SET search_vector = coalesce((
                    SELECT string_agg(quote_literal(CASE WHEN lexeme ~ '^[a-z]+$' THEN coalesce((ts_lexize('portal_english_stem', lexeme))[1], lexeme) ELSE lexeme END)
                                      || ':' || array_to_string(positions, ','), ' ')::tsvector
                    FROM unnest(c.search_vector)), ''::tsvector)
                WHERE c.search_vector IS NOT NULL;
                UPDATE chunks SET term_freqs = portal_term_freqs(coalesce(search_vector, ''::tsvector));
                UPDATE chunks SET term_count = (SELECT coalesce(sum(value::int), 0) FROM jsonb_each_text(term_freqs));
                INSERT INTO collection_text_stats (collection_id, chunks, terms)
                SELECT collection_id, count(*), sum(term_count) FROM chunks GROUP BY collection_id;
                INSERT INTO collection_term_stats (collection_id, term, df)
                SELECT c.collection_id, k.term, count(*) FROM chunks c, jsonb_object_keys(c.term_freqs) k(term) GROUP BY 1, 2;

                CREATE TRIGGER chunks_term_freqs BEFORE INSERT OR UPDATE OF search_vector ON chunks
                    FOR EACH ROW EXECUTE FUNCTION chunks_set_term_freqs();
                CREATE TRIGGER chunks_stats_insert AFTER INSERT ON chunks
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chunks_stats_after_insert();
                CREATE TRIGGER chunks_stats_delete AFTER DELETE ON chunks
                    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION chunks_stats_after_delete();
                CREATE TRIGGER chunks_stats_update AFTER UPDATE OF collection_id, search_vector ON chunks
                    FOR EACH ROW EXECUTE FUNCTION chunks_stats_after_update();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER chunks_stats_update ON chunks;
                DROP TRIGGER chunks_stats_delete ON chunks;
                DROP TRIGGER chunks_stats_insert ON chunks;
                DROP TRIGGER chunks_term_freqs ON chunks;
                DROP FUNCTION chunks_stats_after_update();
                DROP FUNCTION chunks_stats_after_delete();
                DROP FUNCTION chunks_stats_after_insert();
                DROP FUNCTION chunks_set_term_freqs();
                DROP FUNCTION portal_term_freqs(tsvector);
                DROP FUNCTION portal_search_vector(text, text);
                DROP TEXT SEARCH CONFIGURATION portal;
                DROP TEXT SEARCH DICTIONARY portal_english_stem;
                """);
            migrationBuilder.DropTable(
                name: "collection_term_stats");

            migrationBuilder.DropTable(
                name: "collection_text_stats");

            migrationBuilder.DropColumn(
                name: "context_index_text",
                table: "pending_chunks");

            migrationBuilder.DropColumn(
                name: "term_count",
                table: "chunks");

            migrationBuilder.DropColumn(
                name: "term_freqs",
                table: "chunks");
        }
    }
}
