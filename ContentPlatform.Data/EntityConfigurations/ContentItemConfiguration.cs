using ContentPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ContentPlatform.Data.EntityConfigurations;

internal sealed class ContentItemConfiguration : IEntityTypeConfiguration<ContentItem>
{
    public void Configure(EntityTypeBuilder<ContentItem> content)
    {
        content.ToTable("content");
        content.Property(c => c.Title).HasMaxLength(Limits.Title);
        content.Property(c => c.Type).HasMaxLength(64);
        content.Property(c => c.Body).HasMaxLength(Limits.Body);
        content.HasIndex(c => new { c.UserId, c.CreatedAt });
        content.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
