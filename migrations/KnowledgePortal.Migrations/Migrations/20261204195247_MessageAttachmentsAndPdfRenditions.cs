using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KnowledgePortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class MessageAttachmentsAndPdfRenditions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_documents_collection_id_file_name",
                table: "documents");

            migrationBuilder.AddColumn<Guid>(
                name: "parent_document_id",
                table: "documents",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "pdf_stored_file_id",
                table: "document_versions",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_documents_collection_id_parent_document_id_file_name",
                table: "documents",
                columns: new[] { "collection_id", "parent_document_id", "file_name" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_documents_parent_document_id",
                table: "documents",
                column: "parent_document_id");

            migrationBuilder.AddForeignKey(
                name: "fk_documents_documents_parent_document_id",
                table: "documents",
                column: "parent_document_id",
                principalTable: "documents",
                principalColumn: "id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_documents_documents_parent_document_id",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_documents_collection_id_parent_document_id_file_name",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_documents_parent_document_id",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "parent_document_id",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "pdf_stored_file_id",
                table: "document_versions");

            migrationBuilder.CreateIndex(
                name: "ix_documents_collection_id_file_name",
                table: "documents",
                columns: new[] { "collection_id", "file_name" },
                unique: true);
        }
    }
}
