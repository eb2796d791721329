using System.Net;
using System.Net.NetworkInformation;
using ContentPlatform.Generation.WebsiteAnalysis;

namespace ContentPlatform.Tests.WebsiteAnalysis;

public sealed class AddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("febf::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:192.168.0.1")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:7f00:1::")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    [InlineData("192.0.2.1")]
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.200")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:db8:ffff::1")]
    [InlineData("64:ff9b:1::7f00:1")]
    [InlineData("64:ff9b:1:7f00:0:100::")]
    [InlineData("64:ff9b:1:a9fe:a9:fe00::")]
    [InlineData("64:ff9b:1::a9fe:a9fe")]
    public void Refuses_loopback_private_link_local_and_special_addresses(string address) =>
        Assert.True(AddressGuard.IsRefused(IPAddress.Parse(address)), $"{address} should be refused");

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.215.14")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("192.169.0.1")]
    [InlineData("11.0.0.1")]
    [InlineData("223.255.255.254")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:82b::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::")]
    [InlineData("64:ff9b:1::808:808")]
    [InlineData("192.0.3.1")]
    [InlineData("2001:db9::1")]
    public void Allows_public_addresses(string address) =>
        Assert.False(AddressGuard.IsRefused(IPAddress.Parse(address)), $"{address} should be allowed");

    [Fact]
    public void The_servers_own_interface_addresses_are_refused()
    {
        var own = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .ToArray();

        Assert.NotEmpty(own);
        Assert.All(own, address => Assert.True(AddressGuard.IsOwnAddress(address), $"{address} is this server's"));
        Assert.All(own, address => Assert.True(AddressGuard.IsRefused(address), $"{address} should be refused"));
        Assert.False(AddressGuard.IsOwnAddress(IPAddress.Parse("8.8.8.8")));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("64:ff9b::7f00:1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.168.1.10", false)]
    [InlineData("fd12::1", false)]
    [InlineData("8.8.8.8", false)]
    public void A_name_listed_in_allowed_hosts_still_may_not_reach_loopback_or_metadata(string address, bool refused) =>
        Assert.Equal(refused, AddressGuard.IsRefusedForAllowedName(IPAddress.Parse(address)));
}
