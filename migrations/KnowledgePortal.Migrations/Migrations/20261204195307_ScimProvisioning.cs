using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KnowledgePortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ScimProvisioning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "provisioned_at",
                table: "portal_users",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "provisioned_groups",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: true),
                    display_name = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_provisioned_groups", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "provisioned_memberships",
                columns: table => new
                {
                    group_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_provisioned_memberships", x => new { x.group_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_provisioned_memberships_provisioned_groups_group_id",
                        column: x => x.group_id,
                        principalTable: "provisioned_groups",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_provisioned_memberships_users_user_id",
                        column: x => x.user_id,
                        principalTable: "portal_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_provisioned_groups_display_name",
                table: "provisioned_groups",
                column: "display_name");

            migrationBuilder.CreateIndex(
                name: "ix_provisioned_groups_external_id",
                table: "provisioned_groups",
                column: "external_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_provisioned_memberships_user_id",
                table: "provisioned_memberships",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "provisioned_memberships");

            migrationBuilder.DropTable(
                name: "provisioned_groups");

            migrationBuilder.DropColumn(
                name: "provisioned_at",
                table: "portal_users");
        }
    }
}
