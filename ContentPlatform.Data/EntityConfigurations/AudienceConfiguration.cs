using ContentPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ContentPlatform.Data.EntityConfigurations;

internal sealed class AudienceConfiguration : IEntityTypeConfiguration<Audience>
{
    public void Configure(EntityTypeBuilder<Audience> audience)
    {
        audience.ToTable("audiences", table =>
            table.HasCheckConstraint("ck_audiences_one_owner", "num_nonnulls(user_id, session_id) = 1"));
        audience.Property(a => a.SessionId).HasMaxLength(Limits.SessionId);
        audience.Property(a => a.Name).HasMaxLength(Limits.Name);
        audience.Property(a => a.Description).HasMaxLength(Limits.Description);
        audience.Property(a => a.Pitch).HasMaxLength(Limits.Description);
        audience.Property(a => a.Scenario).HasColumnType("jsonb");
        audience.Property(a => a.ContentIdeas).HasColumnType("jsonb");
        audience.HasIndex(a => new { a.UserId, a.CreatedAt });
        audience.HasIndex(a => new { a.SessionId, a.CreatedAt });
        audience.HasIndex(a => a.OrganizationId);
        audience.HasOne<User>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        // An audience outlives a deleted organization: it only loses the business context.
        audience.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.SetNull);
        audience.HasOne<StoredImage>().WithMany().HasForeignKey(a => a.ImageId).OnDelete(DeleteBehavior.SetNull);
    }
}
