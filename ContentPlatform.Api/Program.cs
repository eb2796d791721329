using ContentPlatform.Api.Extensions;
using ContentPlatform.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.Services.MigrateDatabaseAsync();

app.MapDefaultEndpoints();

app.Run();

public partial class Program;
