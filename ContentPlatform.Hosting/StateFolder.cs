using System.Security.Cryptography;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace ContentPlatform.Hosting;

// Where the local servers keep their data between runs, and the secrets generated for them
// ({state}/parameters.json, readable by the owner only): the data and the passwords that open it live
// and go together, so deleting the folder starts afresh.
public sealed class StateFolder
{
    public const string DirectorySetting = "AppHost:StateDirectory";

    private readonly Lock _gate = new();

    private StateFolder(string path, bool isConfigured)
    {
        Path = path;
        IsConfigured = isConfigured;
    }

    public string Path { get; }

    // Given by the user (AppHost:StateDirectory) rather than the default .state folder of the checkout.
    public bool IsConfigured { get; }

    public string ParametersFile => System.IO.Path.Combine(Path, "parameters.json");

    public static StateFolder For(IDistributedApplicationBuilder builder) =>
        builder.Configuration[DirectorySetting] is { Length: > 0 } configured
            ? new StateFolder(System.IO.Path.GetFullPath(configured), isConfigured: true)
            : new StateFolder(System.IO.Path.GetFullPath(System.IO.Path.Combine(builder.AppHostDirectory, "..", ".state")), isConfigured: false);

    public string GetOrCreateSecret(string name)
    {
        lock (_gate)
        {
            var values = File.Exists(ParametersFile)
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(ParametersFile)) ?? []
                : [];
            if (values.TryGetValue(name, out var value))
            {
                return value;
            }
            values[name] = value = GenerateSecret();
            Write(values);
            return value;
        }
    }

    private void Write(Dictionary<string, string> values)
    {
        Directory.CreateDirectory(Path);
        var temporary = ParametersFile + ".tmp";
        // The mode below applies only to a file being created, never to one left behind.
        File.Delete(temporary);
        using (var stream = new FileStream(temporary, OwnerOnly(FileMode.Create)))
        {
            JsonSerializer.Serialize(stream, values, new JsonSerializerOptions { WriteIndented = true });
        }
        File.Move(temporary, ParametersFile, overwrite: true);
    }

    internal static FileStreamOptions OwnerOnly(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return options;
    }

    // Letters and digits only, so the value is safe inside connection strings and URLs.
    public static string GenerateSecret() =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40);
}

public static class StateFolderExtensions
{
    // A secret parameter whose value, unless the user gives Parameters:{name}, is generated once and kept
    // in the state folder.
    public static IResourceBuilder<ParameterResource> AddStateSecret(this IDistributedApplicationBuilder builder, StateFolder state, string name) =>
        builder.AddParameter(name, () => builder.Configuration[$"Parameters:{name}"] is { Length: > 0 } configured
            ? configured
            : state.GetOrCreateSecret(name), secret: true);
}
