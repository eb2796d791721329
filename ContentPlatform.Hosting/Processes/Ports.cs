using System.Net;
using System.Net.Sockets;

namespace ContentPlatform.Hosting.Processes;

public static class Ports
{
    // The kernel may offer a port it just offered again once the probe closes: never hand out one twice,
    // or two replicas (or two tests) picked in a row could be given the same port.
    private static readonly HashSet<int> HandedOut = [];

    public static int GetFree()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
