using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ContentPlatform.Data.Migrations
{
    /// <inheritdoc />
    public partial class DropJobsSessionIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_session_id_created_at",
                table: "jobs");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_jobs_session_id_created_at",
                table: "jobs",
                columns: new[] { "session_id", "created_at" });
        }
    }
}
