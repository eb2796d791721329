using ContentPlatform.Api.Audiences;
using ContentPlatform.Api.Auth;
using ContentPlatform.Api.Content;
using ContentPlatform.Api.ContentFlywheel;
using ContentPlatform.Api.Events;
using ContentPlatform.Api.Extensions;
using ContentPlatform.Api.GenerateContent;
using ContentPlatform.Api.Images;
using ContentPlatform.Api.Jobs;
using ContentPlatform.Api.Posts;
using ContentPlatform.Api.SocketIO;
using ContentPlatform.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.Services.MigrateDatabaseAsync();

// The deployment's init container runs the new image this way once before its revision starts serving.
if (args.Contains("--migrate-only"))
{
    return;
}

app.UseHttpSetup();

app.MapDefaultEndpoints();
app.MapImagesApiV1();
app.MapApiDocs();
app.MapAuthApi().WithRequestBudget();
app.MapContentApi().WithRequestBudget();
app.MapGenerateContentApi().WithRequestBudget();
app.MapEventsApi();
app.MapSocketIO();
app.MapJobsApiV1().WithRequestBudget();
app.MapAudiencesApiV1().WithRequestBudget();
app.MapPostsApiV1().WithRequestBudget();
app.MapContentFlywheelApi();

app.Run();

public partial class Program;
