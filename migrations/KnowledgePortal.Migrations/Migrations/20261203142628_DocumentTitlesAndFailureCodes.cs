using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KnowledgePortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class DocumentTitlesAndFailureCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "paragraph",
                table: "pending_chunks",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "title",
                table: "ingestion_jobs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "failure_args",
                table: "documents",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "failure_code",
                table: "documents",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "title_edited",
                table: "documents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "paragraph",
                table: "chunks",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "paragraph",
                table: "pending_chunks");

            migrationBuilder.DropColumn(
                name: "title",
                table: "ingestion_jobs");

            migrationBuilder.DropColumn(
                name: "failure_args",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "failure_code",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "title_edited",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "paragraph",
                table: "chunks");
        }
    }
}
