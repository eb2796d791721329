using ContentPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace ContentPlatform.Data;

public sealed class ContentDbContext(DbContextOptions<ContentDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<ContentItem> Content => Set<ContentItem>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Audience> Audiences => Set<Audience>();
    public DbSet<Post> Posts => Set<Post>();
    public DbSet<StoredImage> Images => Set<StoredImage>();

    // Options every registration of this context needs (pooled contexts cannot use OnConfiguring).
    public static void UseConventions(DbContextOptionsBuilder options) => options.UseSnakeCaseNamingConvention();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ContentDbContext).Assembly);
}
