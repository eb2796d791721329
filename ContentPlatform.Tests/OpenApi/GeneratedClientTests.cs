using System.Net.Http.Headers;
using System.Runtime.Loader;
using ContentPlatform.Tests.Api;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag.CodeGeneration.CSharp;

namespace ContentPlatform.Tests.OpenApi;

// What a frontend team does with the document: generate a client (NSwag, C#, its defaults), compile it, and call the API
// through it: register, log in, queue a generation.
public sealed class GeneratedClientTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_client_generated_from_the_document_compiles_and_registers_logs_in_and_queues_a_generation()
    {
        var http = factory.CreateClient();
        var document = await NSwag.OpenApiDocument.FromJsonAsync(await http.GetStringAsync("/openapi/v1.json"));
        var code = new CSharpClientGenerator(document, new CSharpClientGeneratorSettings
        {
            ClassName = "ContentPlatformClient",
            // Requests go to the HttpClient's BaseAddress.
            UseBaseUrl = false,
            CSharpGeneratorSettings = { Namespace = "Generated" },
        }).GenerateFile();
        var client = Compile(code);

        dynamic api = Activator.CreateInstance(client.GetType("Generated.ContentPlatformClient")!, http)!;
        var email = $"generated-{Guid.NewGuid():N}@example.com";
        dynamic registered = await api.RegisterUserAsync(New(client, "RegisterRequest", ("Name", "Ada Lovelace"), ("Email", email), ("Password", "securePassword123")));
        dynamic loggedIn = await api.LoginUserAsync(New(client, "LoginRequest", ("Email", email), ("Password", "securePassword123")));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)loggedIn.Token);
        var contentType = Enum.Parse(client.GetType("Generated.QueueGenerationRequestContentType")!, "Blog_Post_Outline");
        dynamic queued = await api.QueueContentGenerationAsync(New(client, "QueueGenerationRequest", ("Prompt", "Benefits of remote work"), ("ContentType", contentType)));
        dynamic status = await api.GetGenerationJobAsync(((Guid)queued.JobId).ToString());

        Assert.Equal("Ada Lovelace", (string)registered.Name);
        Assert.Equal((Guid)registered._id, (Guid)loggedIn._id);
        Assert.Equal("queued", (string)queued.Status);
        Assert.Equal("Blog Post Outline", (string)status.ContentType);
    }

    private static dynamic New(System.Reflection.Assembly assembly, string typeName, params (string Property, object Value)[] values)
    {
        var type = assembly.GetType("Generated." + typeName) ?? throw new InvalidOperationException($"The generated client has no {typeName}");
        var instance = Activator.CreateInstance(type)!;
        foreach (var (property, value) in values)
        {
            type.GetProperty(property)!.SetValue(instance, value);
        }
        return instance;
    }

    // Compiled against the assemblies this test runs with, which include what NSwag's code needs (Newtonsoft.Json).
    private static System.Reflection.Assembly Compile(string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "GeneratedClient",
            [CSharpSyntaxTree.ParseText(code)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var assembly = new MemoryStream();
        var emitted = compilation.Emit(assembly);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success, "The generated client does not compile:\n" + string.Join('\n', errors));
        assembly.Position = 0;
        return new AssemblyLoadContext("GeneratedClient", isCollectible: true).LoadFromStream(assembly);
    }
}
