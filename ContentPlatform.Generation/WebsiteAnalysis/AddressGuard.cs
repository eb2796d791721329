using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// Which addresses a page fetch may connect to: public unicast only. Everything that reaches the machine itself
// (loopback and its own interface addresses), its private networks, the cloud metadata service (169.254.169.254)
// or documentation ranges is refused.
public static class AddressGuard
{
    private static readonly TimeSpan InterfaceCacheLifetime = TimeSpan.FromMinutes(1);
    private static (DateTime Until, IPAddress[] Addresses) _ownAddresses = (DateTime.MinValue, []);

    public static bool IsRefused(IPAddress address) => IsRefusedRange(address) || IsOwnAddress(address);

    // For a host listed in WebsiteAnalysis:AllowedHosts by name: its DNS answer is not under our control, so only
    // private networks (the reason to list an intranet name) are opened; loopback, link-local (cloud metadata), the
    // server's own addresses and every other refused range stay refused.
    public static bool IsRefusedForAllowedName(IPAddress address) =>
        IsOwnAddress(address) || (IsRefusedRange(address) && !IsPrivateNetwork(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));

    private static bool IsPrivateNetwork(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out var length);
        return length == 4
            ? b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xC0) == 64)
            : (b[0] & 0xFE) == 0xFC;
    }

    // The machine's own interface addresses (a public address of this server reaches it as well as loopback does),
    // read at most once a minute.
    public static bool IsOwnAddress(IPAddress address)
    {
        var own = _ownAddresses;
        if (own.Until < DateTime.UtcNow)
        {
            own = (DateTime.UtcNow + InterfaceCacheLifetime, ReadInterfaceAddresses());
            _ownAddresses = own;
        }
        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return own.Addresses.Any(a => a.Equals(v4) || (a.IsIPv6LinkLocal && v4.IsIPv6LinkLocal && a.ScopeId == 0));
    }

    private static IPAddress[] ReadInterfaceAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(u => new IPAddress(u.Address.GetAddressBytes()))
                .ToArray();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    private static bool IsRefusedRange(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsRefusedIPv4(address.MapToIPv4());
        }
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsRefusedIPv4(address),
            AddressFamily.InterNetworkV6 => IsRefusedIPv6(address),
            _ => true,
        };
    }

    private static bool IsRefusedIPv4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return b[0] == 0                                  // 0.0.0.0/8: "this network", includes unspecified
            || b[0] == 10                                 // 10/8 private
            || b[0] == 127                                // 127/8 loopback
            || (b[0] == 100 && (b[1] & 0xC0) == 64)       // 100.64/10 carrier-grade NAT
            || (b[0] == 169 && b[1] == 254)               // 169.254/16 link-local, cloud metadata
            || (b[0] == 172 && (b[1] & 0xF0) == 16)       // 172.16/12 private
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)    // 192.0.0/24 protocol assignments
            || (b[0] == 192 && b[1] == 0 && b[2] == 2)    // 192.0.2/24 TEST-NET-1
            || (b[0] == 198 && b[1] == 51 && b[2] == 100) // 198.51.100/24 TEST-NET-2
            || (b[0] == 203 && b[1] == 0 && b[2] == 113)  // 203.0.113/24 TEST-NET-3
            || (b[0] == 192 && b[1] == 168)               // 192.168/16 private
            || (b[0] == 198 && (b[1] & 0xFE) == 18)       // 198.18/15 benchmarking
            || b[0] >= 224;                               // 224/4 multicast, 240/4 reserved, 255.255.255.255 broadcast
    }

    private static bool IsRefusedIPv6(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            // ::/96 holds :: (unspecified), ::1 (loopback) and the deprecated IPv4-compatible form ::a.b.c.d.
            return true;
        }
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            // 64:ff9b::/96 NAT64 reaches the embedded IPv4 address.
            return IsRefusedIPv4(new IPAddress(b[12..]));
        }
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4] == 0x00 && b[5] == 0x01)
        {
            // 64:ff9b:1::/48 local-use NAT64 (RFC 8215): the operator picks the prefix length, so every RFC 6052
            // position of the embedded IPv4 address is checked.
            return Nat64Embeddings(b).Any(IsRefusedIPv4);
        }
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            // 2002::/16 6to4 reaches the embedded IPv4 address.
            return IsRefusedIPv4(new IPAddress(b[2..6]));
        }
        return (b[0] & 0xFE) == 0xFC                      // fc00::/7 unique local
            || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)    // fe80::/10 link-local
            || (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)    // fec0::/10 deprecated site-local
            || b[0] == 0xFF                               // ff00::/8 multicast
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // 2001:db8::/32 documentation
            || (b[0] == 0x3F && b[1] == 0xFF && (b[2] & 0xF0) == 0x00)        // 3fff::/20 documentation
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00); // 2001::/32 Teredo tunnels to hidden IPv4
    }

    // RFC 6052 section 2.2: the IPv4 address sits around the reserved octet 8, by prefix length 48, 56, 64 and 96,
    // followed by a zero suffix; every position whose suffix is zero is a candidate.
    private static IEnumerable<IPAddress> Nat64Embeddings(ReadOnlySpan<byte> b)
    {
        var candidates = new List<IPAddress> { new(b[12..16]) };
        if (b[13..].IndexOfAnyExcept((byte)0) < 0)
        {
            candidates.Add(new IPAddress(b[9..13]));
        }
        if (b[12..].IndexOfAnyExcept((byte)0) < 0)
        {
            candidates.Add(new IPAddress([b[7], b[9], b[10], b[11]]));
        }
        if (b[11..].IndexOfAnyExcept((byte)0) < 0)
        {
            candidates.Add(new IPAddress([b[6], b[7], b[9], b[10]]));
        }
        return candidates;
    }
}
