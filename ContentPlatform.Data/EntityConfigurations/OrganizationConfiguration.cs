using ContentPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ContentPlatform.Data.EntityConfigurations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> organization)
    {
        organization.ToTable("organizations", table =>
            table.HasCheckConstraint("ck_organizations_one_owner", "num_nonnulls(user_id, session_id) = 1"));
        organization.Property(o => o.SessionId).HasMaxLength(Limits.SessionId);
        organization.Property(o => o.Name).HasMaxLength(Limits.Name);
        organization.Property(o => o.Url).HasMaxLength(Limits.Url);
        organization.Property(o => o.BusinessType).HasMaxLength(Limits.Name);
        organization.Property(o => o.Description).HasMaxLength(Limits.Description);
        organization.Property(o => o.TargetAudience).HasMaxLength(Limits.Description);
        organization.Property(o => o.BrandVoice).HasMaxLength(Limits.Name);
        organization.HasIndex(o => new { o.UserId, o.CreatedAt });
        organization.HasIndex(o => new { o.SessionId, o.CreatedAt });
        organization.HasOne<User>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
