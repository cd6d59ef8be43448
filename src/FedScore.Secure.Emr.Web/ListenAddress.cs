using System.Net;

namespace FedScore.Secure.Emr.Web;

/// <summary>The one address the page listens on, parsed and checked from <see cref="WebOptions.Url"/>.</summary>
public sealed record ListenAddress(IPAddress Address, int Port)
{
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>
    /// Parses "http://IP:port" or "http://localhost:port". Host names other than localhost are refused (an IP literal
    /// says exactly which interface is exposed); a non-loopback address needs <paramref name="allowNonLoopback"/>.
    /// </summary>
    public static ListenAddress Parse(string url, bool allowNonLoopback)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new ArgumentException($"'{url}' is not an http://address:port URL (e.g. {WebOptions.DefaultUrl}); https is left to a reverse proxy.");
        }

        IPAddress address;
        if (uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns)
        {
            address = IPAddress.Loopback; // "localhost"
        }
        else if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out address!))
        {
            throw new ArgumentException($"'{uri.Host}' is not an IP address: give the address of the interface to listen on (e.g. 127.0.0.1).");
        }

        var listen = new ListenAddress(address, uri.Port);
        if (!listen.IsLoopback && !allowNonLoopback)
        {
            throw new ArgumentException(
                $"{address} is not a loopback address: the page shows patient data and listens on loopback only unless non-loopback listening is explicitly allowed.");
        }

        return listen;
    }
}
