using System.Text.Json;
using ContentPlatform.Data;
using ContentPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// Saves what an analysis learned for its owner: the organization (one per owner and website) and one audience per scenario.
public sealed class WebsiteAnalysisStore(ContentDbContext db, TimeProvider time)
{
    public async Task<Guid> SaveAsync(
        ContentOwner owner, PageContent page, BusinessAnalysis analysis, IReadOnlyList<AudienceScenario> scenarios,
        CancellationToken cancellationToken)
    {
        if (owner.UserId is null && owner.SessionId is null)
        {
            throw new ArgumentException("An analysis is saved for a user or a session.", nameof(owner));
        }
        var url = Bounded(page.Url.AbsoluteUri, Limits.Url);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            var now = time.GetUtcNow().UtcDateTime;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

            var organization = await OwnedBy(db.Organizations, owner).FirstOrDefaultAsync(o => o.Url == url, cancellationToken);
            if (organization is null)
            {
                organization = new Organization
                {
                    Id = Guid.CreateVersion7(),
                    UserId = owner.UserId,
                    SessionId = owner.SessionId,
                    Name = "",
                    Url = url,
                    CreatedAt = now,
                };
                db.Organizations.Add(organization);
            }
            else
            {
                // A new analysis replaces the audiences the last one suggested, except those that already have a calendar.
                await db.Audiences
                    .Where(a => a.OrganizationId == organization.Id && a.Scenario != null && a.ContentIdeas == null)
                    .ExecuteDeleteAsync(cancellationToken);
            }
            organization.Name = Bounded(analysis.BusinessName, Limits.Name);
            organization.BusinessType = Bounded(analysis.BusinessType, Limits.Name);
            organization.Description = Bounded(analysis.Description, Limits.Description);
            organization.TargetAudience = Bounded(analysis.TargetAudience, Limits.Description);
            organization.BrandVoice = Bounded(analysis.BrandVoice, Limits.Name);
            organization.Keywords = [.. analysis.Keywords];
            organization.LastAnalyzedAt = now;
            organization.UpdatedAt = now;

            foreach (var scenario in scenarios)
            {
                db.Audiences.Add(new Audience
                {
                    Id = scenario.Id,
                    UserId = owner.UserId,
                    SessionId = owner.SessionId,
                    OrganizationId = organization.Id,
                    Name = Bounded(scenario.Name, Limits.Name),
                    Description = Bounded(scenario.CustomerProblem, Limits.Description),
                    Pitch = scenario.Pitch is null ? null : Bounded(scenario.Pitch, Limits.Description),
                    ImageId = scenario.ImageId,
                    Keywords = [.. scenario.SeoKeywords],
                    Scenario = JsonSerializer.Serialize(scenario, GenerationJson.Options),
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return organization.Id;
        });
    }

    private static IQueryable<Organization> OwnedBy(IQueryable<Organization> organizations, ContentOwner owner) =>
        owner.UserId is { } userId
            ? organizations.Where(o => o.UserId == userId)
            : organizations.Where(o => o.SessionId == owner.SessionId);

    private static string Bounded(string text, int maxLength) => text.Length <= maxLength ? text : text[..maxLength];
}
