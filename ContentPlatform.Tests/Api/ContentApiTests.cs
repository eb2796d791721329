using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ContentPlatform.Tests.Api;

public sealed class ContentApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static object Item(string title = "Test Post", string type = "Blog Post Outline", string body = "# Test\n\nThis is a test.") =>
        new { title, type, body };

    private static async Task<JsonElement> CreateAsync(HttpClient client, object item) =>
        await HttpAssert.JsonAsync(await client.PostAsJsonAsync("/content", item), HttpStatusCode.Created);

    [Fact]
    public async Task Create_returns_201_with_the_documented_object()
    {
        var (client, user) = await factory.CreateUserAsync();

        var created = await CreateAsync(client, Item("Premium Wireless Headphones", "Product Description", "- 40-hour battery life"));

        Assert.Equal(["_id", "userId", "title", "type", "body", "createdAt", "updatedAt", "__v"], created.EnumerateObject().Select(p => p.Name));
        Assert.Equal(user.Id, created.GetProperty("userId").GetString());
        Assert.Equal("Premium Wireless Headphones", created.GetProperty("title").GetString());
        Assert.Equal("Product Description", created.GetProperty("type").GetString());
        Assert.Equal("- 40-hour battery life", created.GetProperty("body").GetString());
        Assert.Equal(0, created.GetProperty("__v").GetInt32());
        var createdAt = created.GetProperty("createdAt").GetString()!;
        Assert.True(DateTime.TryParseExact(createdAt, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), createdAt);
        Assert.Equal(createdAt, created.GetProperty("updatedAt").GetString());
    }

    [Fact]
    public async Task List_returns_only_the_users_items_newest_first_with_the_same_fields_as_create()
    {
        var (client, _) = await factory.CreateUserAsync();
        var (other, _) = await factory.CreateUserAsync();
        var first = await CreateAsync(client, Item("First"));
        // createdAt has millisecond precision: two items of the same millisecond have no order between them.
        await Task.Delay(5);
        var second = await CreateAsync(client, Item("Second"));
        await CreateAsync(other, Item("Someone else's"));

        var list = await HttpAssert.JsonAsync(await client.GetAsync("/content"), HttpStatusCode.OK);

        Assert.Equal(["Second", "First"], list.EnumerateArray().Select(i => i.GetProperty("title").GetString()));
        Assert.Equal(second.GetRawText(), list[0].GetRawText());
        Assert.Equal(first.GetRawText(), list[1].GetRawText());
    }

    [Fact]
    public async Task Search_matches_title_type_and_body_case_insensitively()
    {
        var (client, _) = await factory.CreateUserAsync();
        await CreateAsync(client, Item(title: "Summer MARKETING Campaign", type: "Social Media Caption", body: "sun"));
        await CreateAsync(client, Item(title: "Plain", type: "Product Description", body: "the best marketing tool"));
        await CreateAsync(client, Item(title: "Outline", type: "Blog Post Outline", body: "nothing here"));

        async Task<string[]> Titles(string search) =>
            (await HttpAssert.JsonAsync(await client.GetAsync($"/content?search={Uri.EscapeDataString(search)}"), HttpStatusCode.OK))
            .EnumerateArray().Select(i => i.GetProperty("title").GetString()!).Order().ToArray();

        Assert.Equal(["Plain", "Summer MARKETING Campaign"], await Titles("marketing"));
        Assert.Equal(["Outline"], await Titles("blog post"));
        Assert.Equal(["Summer MARKETING Campaign"], await Titles("CAPTION"));
        Assert.Empty(await Titles("absent"));
    }

    [Fact]
    public async Task Search_treats_percent_underscore_and_backslash_literally()
    {
        var (client, _) = await factory.CreateUserAsync();
        await CreateAsync(client, Item(title: "100% organic", body: "a"));
        await CreateAsync(client, Item(title: "1000 organic", body: "b"));
        await CreateAsync(client, Item(title: "snake_case", body: "c"));
        await CreateAsync(client, Item(title: "snakeXcase", body: "d"));
        await CreateAsync(client, Item(title: @"back\slash", body: "e"));

        async Task<string[]> Titles(string search) =>
            (await HttpAssert.JsonAsync(await client.GetAsync($"/content?search={Uri.EscapeDataString(search)}"), HttpStatusCode.OK))
            .EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToArray();

        Assert.Equal(["100% organic"], await Titles("0%"));
        Assert.Equal(["snake_case"], await Titles("e_c"));
        Assert.Equal([@"back\slash"], await Titles(@"k\s"));
        Assert.Empty(await Titles("%%"));
    }

    [Fact]
    public async Task Create_validates_fields_and_type()
    {
        var (client, _) = await factory.CreateUserAsync();

        await HttpAssert.MessageAsync(await client.PostAsJsonAsync("/content", new { title = "T", type = "Blog Post Outline" }),
            HttpStatusCode.BadRequest, "Please provide all fields");
        await HttpAssert.MessageAsync(await client.PostAsJsonAsync("/content", new { title = "", type = "Blog Post Outline", body = "b" }),
            HttpStatusCode.BadRequest, "Please provide all fields");
        await HttpAssert.MessageAsync(await client.PostAsJsonAsync("/content", Item(type: "Poem")),
            HttpStatusCode.BadRequest, "Invalid content type");
        await HttpAssert.MessageAsync(await client.PostAsJsonAsync("/content", Item(title: new string('t', 501))),
            HttpStatusCode.BadRequest, "Title must have at most 500 characters");

        Assert.Empty((await HttpAssert.JsonAsync(await client.GetAsync("/content"), HttpStatusCode.OK)).EnumerateArray());
    }

    [Theory]
    [InlineData("""{"title":1,"type":"Blog Post Outline","body":"b"}""")]
    [InlineData("""{"title":"t","type":"Blog Post Outline","body":{"text":"b"}}""")]
    [InlineData("""[{"title":"t","type":"Blog Post Outline","body":"b"}]""")]
    [InlineData("""{"title":"t",""")]
    [InlineData("")]
    public async Task Create_with_malformed_input_answers_please_provide_all_fields(string body)
    {
        var (client, _) = await factory.CreateUserAsync();

        var response = await client.PostAsync("/content", new StringContent(body, Encoding.UTF8, "application/json"));

        await HttpAssert.MessageAsync(response, HttpStatusCode.BadRequest, "Please provide all fields");
    }

    [Fact]
    public async Task Update_changes_only_the_given_fields_and_increments_the_version()
    {
        var (client, _) = await factory.CreateUserAsync();
        var created = await CreateAsync(client, Item("Original", "Product Description", "Original body"));
        var id = created.GetProperty("_id").GetString();

        var updated = await HttpAssert.JsonAsync(
            await client.PutAsJsonAsync($"/content/{id}", new { title = "Updated: Pro" }), HttpStatusCode.OK);

        Assert.Equal("Updated: Pro", updated.GetProperty("title").GetString());
        Assert.Equal("Product Description", updated.GetProperty("type").GetString());
        Assert.Equal("Original body", updated.GetProperty("body").GetString());
        Assert.Equal(1, updated.GetProperty("__v").GetInt32());
        Assert.Equal(created.GetProperty("createdAt").GetString(), updated.GetProperty("createdAt").GetString());

        var again = await HttpAssert.JsonAsync(
            await client.PutAsJsonAsync($"/content/{id}", new { type = "Social Media Caption", body = "New body" }), HttpStatusCode.OK);
        Assert.Equal("Updated: Pro", again.GetProperty("title").GetString());
        Assert.Equal("Social Media Caption", again.GetProperty("type").GetString());
        Assert.Equal("New body", again.GetProperty("body").GetString());
        Assert.Equal(2, again.GetProperty("__v").GetInt32());

        var listed = (await HttpAssert.JsonAsync(await client.GetAsync("/content"), HttpStatusCode.OK))[0];
        Assert.Equal(again.GetRawText(), listed.GetRawText());
    }

    [Fact]
    public async Task Update_refuses_invalid_input_without_changing_the_item()
    {
        var (client, _) = await factory.CreateUserAsync();
        var created = await CreateAsync(client, Item());
        var id = created.GetProperty("_id").GetString();

        await HttpAssert.MessageAsync(await client.PutAsJsonAsync($"/content/{id}", new { type = "Poem" }),
            HttpStatusCode.BadRequest, "Invalid content type");
        await HttpAssert.MessageAsync(await client.PutAsync($"/content/{id}", new StringContent("""{"title":5}""", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "Title, type and body must be non-empty strings");
        await HttpAssert.MessageAsync(await client.PutAsync($"/content/{id}", new StringContent("""["x"]""", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "Invalid request body");
        await HttpAssert.MessageAsync(await client.PutAsync($"/content/{id}", new StringContent("{oops", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "Invalid request body");

        var listed = (await HttpAssert.JsonAsync(await client.GetAsync("/content"), HttpStatusCode.OK))[0];
        Assert.Equal(created.GetRawText(), listed.GetRawText());
    }

    [Fact]
    public async Task Delete_removes_the_item_and_returns_its_id()
    {
        var (client, _) = await factory.CreateUserAsync();
        var id = (await CreateAsync(client, Item())).GetProperty("_id").GetString();

        var deleted = await HttpAssert.JsonAsync(await client.DeleteAsync($"/content/{id}"), HttpStatusCode.OK);

        Assert.Equal(["id"], deleted.EnumerateObject().Select(p => p.Name));
        Assert.Equal(id, deleted.GetProperty("id").GetString());
        Assert.Empty((await HttpAssert.JsonAsync(await client.GetAsync("/content"), HttpStatusCode.OK)).EnumerateArray());
        await HttpAssert.MessageAsync(await client.DeleteAsync($"/content/{id}"), HttpStatusCode.NotFound, "Content not found");
    }

    [Fact]
    public async Task Another_users_item_cannot_be_updated_or_deleted()
    {
        var (owner, _) = await factory.CreateUserAsync();
        var (intruder, _) = await factory.CreateUserAsync();
        var created = await CreateAsync(owner, Item());
        var id = created.GetProperty("_id").GetString();

        await HttpAssert.MessageAsync(await intruder.PutAsJsonAsync($"/content/{id}", new { title = "Mine now" }),
            HttpStatusCode.Unauthorized, "User not authorized");
        await HttpAssert.MessageAsync(await intruder.DeleteAsync($"/content/{id}"), HttpStatusCode.Unauthorized, "User not authorized");

        var listed = (await HttpAssert.JsonAsync(await owner.GetAsync("/content"), HttpStatusCode.OK))[0];
        Assert.Equal(created.GetRawText(), listed.GetRawText());
    }

    [Theory]
    [InlineData("60d0fe4f5311236168a109cd")]
    [InlineData("not-an-id")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("%27%3B%20drop%20table%20content%3B--")]
    public async Task Missing_or_malformed_ids_answer_404(string id)
    {
        var (client, _) = await factory.CreateUserAsync();

        await HttpAssert.MessageAsync(await client.PutAsJsonAsync($"/content/{id}", new { title = "x" }), HttpStatusCode.NotFound, "Content not found");
        await HttpAssert.MessageAsync(await client.DeleteAsync($"/content/{id}"), HttpStatusCode.NotFound, "Content not found");
    }

    [Theory]
    [InlineData("GET", "/content")]
    [InlineData("POST", "/content")]
    [InlineData("PUT", "/content/60d0fe4f5311236168a109cd")]
    [InlineData("DELETE", "/content/60d0fe4f5311236168a109cd")]
    public async Task Every_content_endpoint_requires_a_token(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(Item()) };

        await HttpAssert.MessageAsync(await factory.CreateClient().SendAsync(request), HttpStatusCode.Unauthorized, "Not authorized, no token");
    }
}
