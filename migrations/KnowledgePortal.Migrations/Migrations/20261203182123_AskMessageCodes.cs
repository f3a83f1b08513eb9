using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KnowledgePortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AskMessageCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "error_args",
                table: "lab_results",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "error_code",
                table: "lab_results",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "content_args",
                table: "chat_messages",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "content_code",
                table: "chat_messages",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "error_args",
                table: "lab_results");

            migrationBuilder.DropColumn(
                name: "error_code",
                table: "lab_results");

            migrationBuilder.DropColumn(
                name: "content_args",
                table: "chat_messages");

            migrationBuilder.DropColumn(
                name: "content_code",
                table: "chat_messages");
        }
    }
}
