using System.Net;
using ContentPlatform.Tests.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ContentPlatform.Tests.OpenApi;

public sealed class OpenApiServingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Outside_development_the_document_alone_is_served_only_when_the_setting_says_so()
    {
        using var production = factory.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        using var gateway = factory.WithWebHostBuilder(b => b.UseEnvironment("Production")
            .UseSetting("OpenApi:ServeDocument", "true").UseSetting("OpenApi:ServerUrl", "https://api.example.com/content/"));

        Assert.Equal(HttpStatusCode.NotFound, (await production.CreateClient().GetAsync("/openapi/v1.json")).StatusCode);
        var document = await HttpAssert.JsonAsync(await gateway.CreateClient().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        Assert.Equal("https://api.example.com/content", document.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.CreateClient().GetAsync("/scalar")).StatusCode);
    }

    [Fact]
    public async Task The_server_url_is_relative_so_the_document_works_wherever_it_is_fetched()
    {
        var document = await HttpAssert.JsonAsync(await factory.CreateClient().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        Assert.Equal("/", document.GetProperty("servers")[0].GetProperty("url").GetString());
    }
}
