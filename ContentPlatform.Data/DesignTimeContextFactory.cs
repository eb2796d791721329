using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ContentPlatform.Data;

// Lets `dotnet ef migrations add` build the model without a running server.
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<ContentDbContext>
{
    public ContentDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ContentDbContext>().UseNpgsql("Host=localhost;Database=contentdb");
        ContentDbContext.UseConventions(options);
        return new ContentDbContext(options.Options);
    }
}
