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
        // No index names the status, or anything a job's end changes, except for jobs with a subject: so a claim
        // (queued → running), a retry (running → queued) and most outcomes change no indexed value, and PostgreSQL writes
        // them as HOT updates (no index entries), in the room the fill factor leaves on the row's own page. Only the
        // insert touches the indexes (and the end of a job with a subject, which leaves the unique index below).
        job.HasStorageParameter("fillfactor", 50);
        // The subject while the job is queued or running: one such job per kind and subject, enforced by the database
        // (idempotent triggers). Null for every other job, before and after its end, so their ends stay HOT.
        job.Property<Guid?>("ActiveSubjectId")
            .HasComputedColumnSql("case when status in ('queued', 'running') then subject_id end", stored: true);
        job.HasIndex("Kind", "ActiveSubjectId")
            .IsUnique()
            .HasFilter("active_subject_id is not null");
        job.HasOne<User>().WithMany().HasForeignKey(j => j.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
