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
        // No index names the status itself, only whether the job is unfinished: so a claim (queued → running) and a
        // retry (running → queued) change no indexed value, and PostgreSQL writes them as HOT updates (no index
        // entries), in the room the fill factor leaves on the row's own page. Only the insert and the final
        // outcome touch the indexes.
        job.Property<bool>("Active").HasComputedColumnSql("status in ('queued', 'running')", stored: true);
        job.HasStorageParameter("fillfactor", 50);
        // Reconciliation scans unfinished jobs only, in id order.
        job.HasIndex(j => j.Id).HasDatabaseName("ix_jobs_active").HasFilter("active");
        // One queued-or-running job per kind and subject, enforced by the database (idempotent triggers).
        job.HasIndex(j => new { j.Kind, j.SubjectId })
            .IsUnique()
            .HasFilter("subject_id is not null and active");
        job.HasOne<User>().WithMany().HasForeignKey(j => j.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
