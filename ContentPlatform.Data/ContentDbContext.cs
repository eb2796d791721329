using ContentPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace ContentPlatform.Data;

public sealed class ContentDbContext(DbContextOptions<ContentDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<ContentItem> Content => Set<ContentItem>();
    public DbSet<Job> Jobs => Set<Job>();

    // Options every registration of this context needs (pooled contexts cannot use OnConfiguring).
    public static void UseConventions(DbContextOptionsBuilder options) => options.UseSnakeCaseNamingConvention();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ContentDbContext).Assembly);
}
