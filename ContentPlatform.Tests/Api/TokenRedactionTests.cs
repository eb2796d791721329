using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using ContentPlatform.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace ContentPlatform.Tests.Api;

// ?token= stays usable on the event streams (EventSource sends no headers) but never reaches logs or traces,
// even with every log category at Trace.
public sealed class TokenRedactionTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_token_in_the_query_string_is_written_to_no_log_line_and_no_span()
    {
        var (_, user) = await factory.CreateUserAsync();
        var spans = new RecordedSpans();
        var logs = new CollectingLoggerProvider();
        var observed = factory.WithWebHostBuilder(builder => builder
            .UseSetting("Logging:LogLevel:Default", "Trace")
            .UseSetting("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Trace")
            .ConfigureLogging(logging => logging.AddProvider(logs))
            .ConfigureServices(services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans))));
        var client = observed.CreateClient();

        using (var stream = await client.GetAsync($"/events?token={user.Token}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, stream.StatusCode);
        }
        var anonymous = observed.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        // A plain request after the stream: once its span is exported, the stream's (which ended first) is too.
        await anonymous.GetAsync($"/auth/me?token={user.Token}");
        await Eventually.TrueAsync(() => spans.Any(s => s.GetTagItem("url.path") as string == "/auth/me"), "the /auth/me span");
        observed.Services.GetRequiredService<TracerProvider>().ForceFlush();
        await observed.DisposeAsync();

        var signature = user.Token.Split('.')[2];
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => line.Contains(signature));
        Assert.Contains(spans, span => span.GetTagItem("url.query") is "token=Redacted");
        Assert.DoesNotContain(spans, span => span.TagObjects.Any(tag => tag.Value?.ToString()?.Contains(signature) == true)
            || span.DisplayName.Contains(signature));
    }

    private sealed class CollectingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Collector(CollectingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => p.Value)) : "";
                owner.Lines.Enqueue($"{category} {formatter(state, exception)} {properties}");
            }
        }
    }
}
