using ContentPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ContentPlatform.Data.EntityConfigurations;

internal sealed class StoredImageConfiguration : IEntityTypeConfiguration<StoredImage>
{
    public void Configure(EntityTypeBuilder<StoredImage> image)
    {
        image.ToTable("images");
        image.Property(i => i.ContentType).HasMaxLength(64);
        image.HasIndex(i => i.Sha256).IsUnique();
    }
}
