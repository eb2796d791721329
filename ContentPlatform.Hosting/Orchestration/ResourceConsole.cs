namespace ContentPlatform.Hosting.Orchestration;

// Prints resource output as "name | line", a colour per resource when stdout is a terminal.
internal sealed class ResourceConsole
{
    private static readonly string[] Colours = ["36", "35", "33", "32", "34", "96", "95", "93", "92", "94"];

    private readonly Dictionary<string, string> _colourByInstance = [];
    private readonly bool _coloured = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    private readonly int _width;

    public ResourceConsole(ApplicationModel model)
    {
        var colour = 0;
        foreach (var resource in model.Resources.Where(r => r is not ParameterResource))
        {
            IEnumerable<string> instances = resource is ProjectResource project
                ? Enumerable.Range(0, project.Replicas).Select(project.InstanceName)
                : [resource.Name];
            foreach (var instance in instances)
            {
                _colourByInstance[instance] = Colours[colour % Colours.Length];
            }
            colour++;
        }
        _width = _colourByInstance.Keys.Select(name => name.Length).DefaultIfEmpty(0).Max();
    }

    public void Write(string instanceName, string text)
    {
        var prefix = instanceName.PadRight(_width);
        Console.Out.WriteLine(_coloured && _colourByInstance.TryGetValue(instanceName, out var colour)
            ? $"\u001b[{colour}m{prefix} |\u001b[0m {text}"
            : $"{prefix} | {text}");
    }
}
