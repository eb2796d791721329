using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ContentPlatform.Data.Migrations
{
    /// <inheritdoc />
    public partial class HotJobEnds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
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

            migrationBuilder.AddColumn<Guid>(
                name: "active_subject_id",
                table: "jobs",
                type: "uuid",
                nullable: true,
                computedColumnSql: "case when status in ('queued', 'running') then subject_id end",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_jobs_kind_active_subject_id",
                table: "jobs",
                columns: new[] { "kind", "active_subject_id" },
                unique: true,
                filter: "active_subject_id is not null");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_kind_active_subject_id",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "active_subject_id",
                table: "jobs");

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
    }
}
