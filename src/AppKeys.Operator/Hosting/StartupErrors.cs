using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace AppKeys.Operator.Hosting;

/// <summary>Start failures a user fixes with a flag, said in one line instead of a stack trace.</summary>
public static class StartupErrors
{
    /// <summary>
    /// Checks, before anything starts, that the HTTP port can be bound; the line to print when it cannot. Kestrel binds
    /// only after the controllers have started, so a taken port would otherwise surface after a burst of their logs.
    /// </summary>
    public static string? CheckPort(OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.HttpPort == 0 || !System.Net.IPAddress.TryParse(options.HttpAddress, out var address))
        {
            return null;
        }

        try
        {
            using var probe = new TcpListener(address, options.HttpPort);
            probe.Start();
            probe.Stop();
            return null;
        }
        catch (SocketException e)
        {
            return Describe(e, options);
        }
    }

    /// <summary>The line for <paramref name="error"/>, or null when it is not one of these (it then keeps its stack trace).</summary>
    public static string? Describe(Exception error, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return $"port {options.HttpPort} on {options.HttpAddress} is already in use: choose another with --http-port N"
                    + " (make run ARGS=\"--http-port 8081\")";
            }
        }

        return null;
    }
}
