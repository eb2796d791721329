using System.Text.Json;

namespace ContentPlatform.Hosting.Orchestration;

// Generated parameters (passwords, keys), kept in {state}/parameters.json readable by the owner only.
internal sealed class StateStore(string directory)
{
    private readonly Lock _gate = new();

    public string ParametersFile => Path.Combine(directory, "parameters.json");

    public string GetOrCreateParameter(string name, Func<string> generate)
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
            values[name] = value = generate();
            Write(values);
            return value;
        }
    }

    private void Write(Dictionary<string, string> values)
    {
        Directory.CreateDirectory(directory);
        var temporary = ParametersFile + ".tmp";
        // The mode below applies only to a file being created, never to one left behind.
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, values, new JsonSerializerOptions { WriteIndented = true });
        }
        File.Move(temporary, ParametersFile, overwrite: true);
    }
}
