using ContentPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ContentPlatform.Data.EntityConfigurations;

internal sealed class PostConfiguration : IEntityTypeConfiguration<Post>
{
    public void Configure(EntityTypeBuilder<Post> post)
    {
        post.ToTable("posts", table =>
            table.HasCheckConstraint("ck_posts_status", $"status in ('{PostStatus.Draft}', '{PostStatus.Published}')"));
        post.Property(p => p.Title).HasMaxLength(Limits.Title);
        post.Property(p => p.Content).HasMaxLength(Limits.Body);
        post.Property(p => p.Status).HasMaxLength(16);
        post.Property(p => p.Metadata).HasColumnType("jsonb");
        post.HasIndex(p => new { p.UserId, p.CreatedAt });
        post.HasOne<User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        post.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.SetNull);
    }
}
