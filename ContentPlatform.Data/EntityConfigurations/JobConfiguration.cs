using ContentPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ContentPlatform.Data.EntityConfigurations;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> job)
    {
        job.ToTable("jobs");
        job.Property(j => j.Kind).HasMaxLength(64);
        job.Property(j => j.SessionId).HasMaxLength(Limits.SessionId);
        job.Property(j => j.Status).HasMaxLength(16);
        job.Property(j => j.Payload).HasColumnType("jsonb");
        job.Property(j => j.Result).HasColumnType("jsonb");
        job.HasIndex(j => new { j.UserId, j.CreatedAt });
        // Reconciliation scans unfinished jobs only.
        job.HasIndex(j => new { j.Status, j.ScheduledFor }).HasFilter("status in ('queued', 'running')");
        // One queued-or-running job per kind and subject, enforced by the database (idempotent triggers).
        job.HasIndex(j => new { j.Kind, j.SubjectId })
            .IsUnique()
            .HasFilter("subject_id is not null and status in ('queued', 'running')");
        job.HasOne<User>().WithMany().HasForeignKey(j => j.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
