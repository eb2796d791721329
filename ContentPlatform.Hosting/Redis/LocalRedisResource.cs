using Aspire.Hosting.ApplicationModel;

namespace ContentPlatform.Hosting.Redis;

// A Redis server run from the machine's redis-server as an Aspire executable, with AOF in DataDirectory.
public sealed class LocalRedisResource(string name, string command, ParameterResource password, string dataDirectory)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    public ParameterResource PasswordParameter { get; } = password;

    public string DataDirectory { get; } = dataDirectory;

    public string ConfigFile => Path.Combine(DataDirectory, "redis.conf");

    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");
}
