using ContentPlatform.Generation.Flywheel;

namespace ContentPlatform.Tests.ContentFlywheel;

public sealed class AssetNamingTests
{
    [Theory]
    [InlineData("5 backup habits that protect nonprofit data", "5-backup-habits-that-protect-nonprofit-data")]
    [InlineData("  --Hello,   World!--  ", "hello-world")]
    [InlineData("Café & Crème: Ünïcode über alles", "cafe-creme-unicode-uber-alles")]
    [InlineData("Workshop: AI 101 (2026)", "workshop-ai-101-2026")]
    [InlineData("Ελλάδα: Ταξίδι", "ellada-taxidi")]
    [InlineData("!!! ???", "untitled")]
    [InlineData("", "untitled")]
    public void A_slug_is_the_title_in_ascii_kebab_case(string title, string slug) =>
        Assert.Equal(slug, AssetNaming.Slug(title));

    [Fact]
    public void A_long_slug_is_cut_at_a_word_boundary()
    {
        var slug = AssetNaming.Slug(string.Join(" ", Enumerable.Repeat("backups", 30)));

        Assert.InRange(slug.Length, AssetNaming.MaxSlugLength / 2, AssetNaming.MaxSlugLength);
        Assert.EndsWith("-backups", slug);
    }

    [Theory]
    [InlineData(null, "2026-01-29-5-backup-habits.md")]
    [InlineData("educational", "2026-01-29-5-backup-habits-educational.md")]
    [InlineData("Story Time", "2026-01-29-5-backup-habits-story-time.md")]
    public void The_suggested_filename_is_date_slug_and_variant(string? variant, string filename) =>
        Assert.Equal(filename, AssetNaming.SuggestedFilename(new DateTime(2026, 1, 29, 23, 59, 59, DateTimeKind.Utc), "5-backup-habits", variant));
}
