using ContentPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ContentPlatform.Data.EntityConfigurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.ToTable("users");
        user.Property(u => u.Name).HasMaxLength(Limits.Name);
        user.Property(u => u.Email).HasMaxLength(Limits.Email);
        user.Property(u => u.NormalizedEmail).HasMaxLength(Limits.Email);
        user.HasIndex(u => u.NormalizedEmail).IsUnique();
        user.Property(u => u.Status).HasMaxLength(16);
    }
}
