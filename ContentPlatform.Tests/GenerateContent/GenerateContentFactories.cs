using ContentPlatform.Hosting.Processes;
using ContentPlatform.Tests.Api;
using ContentPlatform.Tests.Jobs;
using Microsoft.AspNetCore.Hosting;

namespace ContentPlatform.Tests.GenerateContent;

// The Api with no delay and a real Worker process on the same database and queue: generation runs end to end
// with the offline generator.
public sealed class GeneratingApiFactory : ApiFactory
{
    private ChildProcess? _worker;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _worker = WorkerProcess.Start(Database, Redis, JobsKeyPrefix, new Dictionary<string, string?>());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("GenerateContent:DelaySeconds", "0");
    }

    public override async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}
