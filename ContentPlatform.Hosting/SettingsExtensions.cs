using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace ContentPlatform.Hosting;

public static class SettingsExtensions
{
    // Passes the AppHost's own settings under the given keys (from its environment, command line or user
    // secrets) on to a service as environment variables, e.g. Jobs:Concurrency → Jobs__Concurrency.
    public static IResourceBuilder<T> WithSettingsFrom<T>(this IResourceBuilder<T> resource, IConfiguration configuration, params string[] keys)
        where T : IResourceWithEnvironment =>
        resource.WithEnvironment(context =>
        {
            foreach (var key in keys)
            {
                foreach (var (path, value) in configuration.GetSection(key).AsEnumerable())
                {
                    if (value is not null)
                    {
                        context.EnvironmentVariables[path.Replace(":", "__")] = value;
                    }
                }
            }
        });
}
