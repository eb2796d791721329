using System.Net;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// Bound from the "WebsiteAnalysis" configuration section (environment: WebsiteAnalysis__AllowedHosts=127.0.0.1).
public sealed class WebsiteAnalysisOptions
{
    public const string SectionName = "WebsiteAnalysis";

    // Comma-separated exceptions to AddressGuard, for tests and local demos: "host" (ports 80 and 443), "host:port" or
    // "host:*" (any port); IPv6 literals in brackets ("[::1]:8080"). An IP literal is fetched whatever its range; a
    // host name only reaches private networks besides public addresses (AddressGuard.IsRefusedForAllowedName).
    // Without an entry, only ports 80 and 443 of public addresses are fetched.
    public string AllowedHosts { get; set; } = "";

    public long MaxResponseBytes { get; set; } = 2 * 1024 * 1024;

    // For the whole fetch: every redirect hop and reading the body.
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRedirects { get; set; } = 5;

    private static readonly int[] DefaultPorts = [80, 443];

    // How the addresses of host (a name or an IP literal, brackets optional) are checked.
    public HostPermission Permission(string host)
    {
        var listed = Listed(host).Any();
        return !listed ? HostPermission.Public : IPAddress.TryParse(host.Trim('[', ']'), out _) ? HostPermission.AnyAddress : HostPermission.AllowedName;
    }

    public bool IsAllowedPort(string host, int port) =>
        DefaultPorts.Contains(port) || Listed(host).Any(entry => entry.Port is null || entry.Port == port);

    private IEnumerable<(string Host, int? Port)> Listed(string host)
    {
        var bare = host.Trim('[', ']');
        return Entries().Where(entry => string.Equals(entry.Host, bare, StringComparison.OrdinalIgnoreCase));
    }

    // Is this address itself listed (as an IP literal)?
    public bool IsAllowedAddress(IPAddress address) =>
        Entries().Any(entry => IPAddress.TryParse(entry.Host, out var listed) && listed.Equals(address));

    // "host", "host:port", "host:*", "[v6]", "[v6]:port", "[v6]:*", or a bare IPv6 literal. Port null: any port;
    // a bare host: 80 and 443 only (the default, so it adds no port).
    private IEnumerable<(string Host, int? Port)> Entries()
    {
        foreach (var entry in AllowedHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (host, port) = entry.StartsWith('[') && entry.IndexOf(']') is var close and > 0
                ? (entry[1..close], entry[(close + 1)..].TrimStart(':'))
                : entry.Count(c => c == ':') == 1 ? (entry[..entry.IndexOf(':')], entry[(entry.IndexOf(':') + 1)..]) : (entry, "");
            if (port == "*")
            {
                yield return (host, null);
            }
            else if (int.TryParse(port, out var number))
            {
                yield return (host, number);
            }
            else
            {
                yield return (host, DefaultPorts[0]);
            }
        }
    }
}

public enum HostPermission
{
    // Not listed: public addresses on ports 80 and 443 only.
    Public,
    // Listed as an IP literal: that address, whatever its range.
    AnyAddress,
    // Listed by name: public addresses and private networks (AddressGuard.IsRefusedForAllowedName).
    AllowedName,
}
