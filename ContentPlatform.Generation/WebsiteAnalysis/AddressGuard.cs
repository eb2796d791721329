using System.Net;
using System.Net.Sockets;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// Which addresses a page fetch may connect to: public unicast only. Everything that reaches the machine itself,
// its private networks or the cloud metadata service (169.254.169.254) is refused.
public static class AddressGuard
{
    public static bool IsRefused(IPAddress address)
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
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            // 2002::/16 6to4 reaches the embedded IPv4 address.
            return IsRefusedIPv4(new IPAddress(b[2..6]));
        }
        return (b[0] & 0xFE) == 0xFC                      // fc00::/7 unique local
            || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)    // fe80::/10 link-local
            || (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)    // fec0::/10 deprecated site-local
            || b[0] == 0xFF                               // ff00::/8 multicast
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00); // 2001::/32 Teredo tunnels to hidden IPv4
    }
}
