using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KnowledgePortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class OcrConfidenceAndProgress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<float>(
                name: "ocr_confidence",
                table: "pending_chunks",
                type: "real",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ocr_pages_done",
                table: "ingestion_jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "ocr_pages_total",
                table: "ingestion_jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<float>(
                name: "ocr_confidence",
                table: "chunks",
                type: "real",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ocr_confidence",
                table: "pending_chunks");

            migrationBuilder.DropColumn(
                name: "ocr_pages_done",
                table: "ingestion_jobs");

            migrationBuilder.DropColumn(
                name: "ocr_pages_total",
                table: "ingestion_jobs");

            migrationBuilder.DropColumn(
                name: "ocr_confidence",
                table: "chunks");
        }
    }
}
