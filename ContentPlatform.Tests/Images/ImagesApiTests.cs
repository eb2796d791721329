using System.Net;
using ContentPlatform.Generation.Images;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ContentPlatform.Tests.Images;

// The Api serves what the offline generator stored in PostgreSQL.
public sealed class ImagesApiTests : IAsyncLifetime
{
    private WebApplicationFactory<Program> factory = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("images");
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:contentdb", database);
            web.UseSetting("ConnectionStrings:redis", servers.Redis.ConnectionString);
            web.ConfigureServices(services =>
            {
                services.TryAddSingleton(TimeProvider.System);
                services.AddScoped<ImageStore>();
                services.AddScoped<OfflineImageGenerator>();
            });
        });
        _ = factory.Server;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private async Task<GeneratedImage> GenerateAsync(string prompt)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OfflineImageGenerator>().GenerateAsync(prompt);
    }

    [Fact]
    public async Task A_generated_image_is_served_as_a_cacheable_png()
    {
        var image = await GenerateAsync("Bakery for busy families");
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(image.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        var expected = PngEncoder.EncodeRgb(PromptArt.Width, PromptArt.Height, PromptArt.RenderRgb("Bakery for busy families"));
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_same_prompt_is_stored_once()
    {
        var first = await GenerateAsync("stored once");
        var second = await GenerateAsync("stored once");
        var other = await GenerateAsync("stored twice");

        Assert.Equal(first.Id, second.Id);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal($"/api/v1/images/{first.Id}.png", first.Url);
    }

    [Fact]
    public async Task A_client_holding_the_image_gets_304()
    {
        var image = await GenerateAsync("conditional");
        using var client = factory.CreateClient();
        using var first = await client.GetAsync(image.Url);

        using var request = new HttpRequestMessage(HttpMethod.Get, image.Url);
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/images/0197a5f2-0000-7000-8000-000000000000.png")]
    [InlineData("/api/v1/images/not-a-guid.png")]
    public async Task An_unknown_image_is_404(string url)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
