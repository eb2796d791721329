using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ContentPlatform.Data.Migrations
{
    /// <inheritdoc />
    public partial class HotStatusChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_kind_subject_id",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_status_scheduled_for",
                table: "jobs");

            migrationBuilder.AlterTable(
                name: "jobs")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.AddColumn<bool>(
                name: "active",
                table: "jobs",
                type: "boolean",
                nullable: false,
                computedColumnSql: "status in ('queued', 'running')",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_jobs_active",
                table: "jobs",
                column: "id",
                filter: "active");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_kind_subject_id",
                table: "jobs",
                columns: new[] { "kind", "subject_id" },
                unique: true,
                filter: "subject_id is not null and active");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_active",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_kind_subject_id",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "active",
                table: "jobs");

            migrationBuilder.AlterTable(
                name: "jobs")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.CreateIndex(
                name: "ix_jobs_kind_subject_id",
                table: "jobs",
                columns: new[] { "kind", "subject_id" },
                unique: true,
                filter: "subject_id is not null and status in ('queued', 'running')");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_status_scheduled_for",
                table: "jobs",
                columns: new[] { "status", "scheduled_for" },
                filter: "status in ('queued', 'running')");
        }
    }
}
