using ContentPlatform.Data;
using ContentPlatform.Worker.Extensions;

// A web host only so the Worker can serve /health and /alive to the AppHost and the deployment's probes.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.Services.MigrateDatabaseAsync();

app.MapDefaultEndpoints();

app.Run();
