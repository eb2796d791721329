using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

// The shape of Aspire's ServiceDefaults template: every service calls AddServiceDefaults() and,
// when it serves HTTP, MapDefaultEndpoints().
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    // Every ActivitySource our own code creates spans from starts with this prefix.
    public const string ActivitySourcePrefix = "ContentPlatform.";

    // The share of traces recorded, decided where a trace starts (a request without a traceparent) and followed by
    // every service after it, so a job's trace is whole or absent. Every trace in Development; elsewhere
    // ProductionTraceSamplingRatio unless Telemetry:TraceSamplingRatio says otherwise (infra/ sets the same value).
    public const string TraceSamplingRatioSetting = "Telemetry:TraceSamplingRatio";
    public const double ProductionTraceSamplingRatio = 0.1;

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // ASP.NET Core's "Request starting/finished" lines hold the full URL, query string included, and with it the
        // ?token= of EventSource clients: that category logs warnings and errors only, whatever the configuration.
        builder.Logging.AddFilter(HostingDiagnosticsCategory, level => level >= LogLevel.Warning);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(ActivitySourcePrefix + "*")
                .AddMeter("Experimental.Microsoft.Extensions.AI"))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(TraceSamplingRatio(builder))))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(ActivitySourcePrefix + "*")
                .AddSource("Experimental.Microsoft.Extensions.AI")
                .AddAspNetCoreInstrumentation(aspnet =>
                {
                    aspnet.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath);
                    // EventSource clients put the access token in the URL (?token=): spans never carry query values.
                    aspnet.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.QueryString.HasValue)
                        {
                            activity.SetTag("url.query", RedactedQuery(request.Query.Keys));
                        }
                    };
                })
                .AddHttpClientInstrumentation());

        builder.AddOpenTelemetryExporters();
        return builder;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    private static double TraceSamplingRatio(IHostApplicationBuilder builder) =>
        builder.Configuration.GetValue<double?>(TraceSamplingRatioSetting)
        ?? (builder.Environment.IsDevelopment() ? 1.0 : ProductionTraceSamplingRatio);

    private const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private static string RedactedQuery(IEnumerable<string> keys) => string.Join('&', keys.Select(key => key + "=Redacted"));

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        var timeout = ServiceTimeouts.From(builder.Configuration).HealthCheck;
        // Every check, ours or an integration's, answers within the timeout: some (the Redis one) ignore cancellation.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations)
            {
                var factory = registration.Factory;
                registration.Timeout = timeout;
                registration.Factory = services => new BoundedHealthCheck(factory(services), timeout);
            }
        });
        return builder;
    }

    // Mapped in every environment, not only Development as in the template: Container Apps probes them.
    // Short-circuited: answered as soon as routing has matched them, before the app's middleware, so that no
    // authentication (a bearer token's user check reads the database) or rate limit delays a probe's answer.
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath).ShortCircuit();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        }).ShortCircuit();
        return app;
    }
}
