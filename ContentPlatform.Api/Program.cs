using ContentPlatform.Api.Extensions;
using ContentPlatform.Api.Images;
using ContentPlatform.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.Services.MigrateDatabaseAsync();

app.MapDefaultEndpoints();
app.MapImagesApiV1();

app.Run();

public partial class Program;
