using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace KnowledgePortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ModelLab : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lab_question_sets",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lab_question_sets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "lab_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_by_name = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    status = table.Column<int>(type: "integer", nullable: false),
                    providers = table.Column<string[]>(type: "text[]", nullable: false),
                    collection_ids = table.Column<int[]>(type: "integer[]", nullable: false),
                    question_set_id = table.Column<int>(type: "integer", nullable: true),
                    question_set_name = table.Column<string>(type: "text", nullable: true),
                    question_count = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lab_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "lab_question",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    set_id = table.Column<int>(type: "integer", nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    expected_answers = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lab_question", x => x.id);
                    table.ForeignKey(
                        name: "fk_lab_question_lab_question_sets_set_id",
                        column: x => x.set_id,
                        principalTable: "lab_question_sets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "lab_results",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    question_ordinal = table.Column<int>(type: "integer", nullable: false),
                    provider = table.Column<string>(type: "text", nullable: false),
                    model = table.Column<string>(type: "text", nullable: true),
                    route = table.Column<string>(type: "text", nullable: false),
                    answer = table.Column<string>(type: "text", nullable: false),
                    answered = table.Column<bool>(type: "boolean", nullable: false),
                    expected_match = table.Column<bool>(type: "boolean", nullable: true),
                    sent_chunk_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    withheld_chunk_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    cited_numbers = table.Column<int[]>(type: "integer[]", nullable: false),
                    input_tokens = table.Column<int>(type: "integer", nullable: false),
                    output_tokens = table.Column<int>(type: "integer", nullable: false),
                    tokens_estimated = table.Column<bool>(type: "boolean", nullable: false),
                    cost = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    first_token_ms = table.Column<int>(type: "integer", nullable: true),
                    total_ms = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lab_results", x => x.id);
                    table.ForeignKey(
                        name: "fk_lab_results_lab_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "lab_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "lab_run_question",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    expected_answers = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lab_run_question", x => x.id);
                    table.ForeignKey(
                        name: "fk_lab_run_question_lab_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "lab_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_lab_question_set_id_ordinal",
                table: "lab_question",
                columns: new[] { "set_id", "ordinal" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_lab_question_sets_name",
                table: "lab_question_sets",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_lab_results_run_id_question_ordinal_provider",
                table: "lab_results",
                columns: new[] { "run_id", "question_ordinal", "provider" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_lab_run_question_run_id_ordinal",
                table: "lab_run_question",
                columns: new[] { "run_id", "ordinal" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_lab_runs_created_at",
                table: "lab_runs",
                column: "created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lab_question");

            migrationBuilder.DropTable(
                name: "lab_results");

            migrationBuilder.DropTable(
                name: "lab_run_question");

            migrationBuilder.DropTable(
                name: "lab_question_sets");

            migrationBuilder.DropTable(
                name: "lab_runs");
        }
    }
}
