using ContentPlatform.Generation.ModelAccess;
using System.Net;
using System.Net.Sockets;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// The primary handler of the page fetcher. It resolves host names itself and connects to an address it has just
// checked, so neither a redirect nor a DNS answer that changes between check and use (rebinding) reaches a refused one.
// Ports other than 80 and 443 are refused unless WebsiteAnalysis:AllowedHosts lists them.
public static class SafeConnection
{
    public static SocketsHttpHandler CreateHandler(WebsiteAnalysisOptions options) => new()
    {
        // Redirects are followed by WebsiteFetcher, hop by hop.
        AllowAutoRedirect = false,
        // A proxy would make the checked address the proxy's, not the website's.
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(options, context.DnsEndPoint, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(
        WebsiteAnalysisOptions options, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var host = endPoint.Host.Trim('[', ']');
        var permission = options.Permission(host);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await ResolveAsync(host, cancellationToken);
        var permitted = permission switch
        {
            HostPermission.AnyAddress => addresses,
            HostPermission.AllowedName => addresses.Where(a => !AddressGuard.IsRefusedForAllowedName(a) || options.IsAllowedAddress(a)).ToArray(),
            _ => addresses.Where(a => !AddressGuard.IsRefused(a)).ToArray(),
        };
        if (permitted.Length == 0)
        {
            throw new WebsiteFetchException("Refused to fetch a private or local address", GenerationErrorCodes.RefusedAddress);
        }
        if (!options.IsAllowedPort(host, endPoint.Port))
        {
            throw new WebsiteFetchException(
                $"Refused to fetch port {endPoint.Port}: only ports 80 and 443 are fetched", GenerationErrorCodes.RefusedAddress);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException exception)
        {
            throw new WebsiteFetchException(
                $"Could not find the website's address ({host})", GenerationErrorCodes.DnsFailure, exception);
        }
    }
}
