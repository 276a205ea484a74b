using System.Net;
using System.Net.Sockets;
using AppKeys.Operator.Hosting;
using Microsoft.AspNetCore.Connections;

namespace AppKeys.Operator.Tests.Hosting;

public class StartupErrorsTests
{
    private static readonly OperatorOptions Options = new() { HttpAddress = "127.0.0.1", HttpPort = 8080 };

    [Fact]
    public void A_taken_port_names_the_flag_however_deep_kestrel_wraps_it()
    {
        var wrapped = new IOException("Failed to bind to address http://127.0.0.1:8080: address already in use.", new AddressInUseException("in use"));
        var line = StartupErrors.Describe(wrapped, Options);
        Assert.Equal("port 8080 on 127.0.0.1 is already in use: choose another with --http-port N (make run ARGS=\"--http-port 8081\")", line);
    }

    [Fact]
    public void Other_failures_keep_their_stack_trace() =>
        Assert.Null(StartupErrors.Describe(new InvalidOperationException("boom"), Options));

    [Fact]
    public void The_port_is_checked_before_anything_starts()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        Assert.Contains("--http-port", StartupErrors.CheckPort(new OperatorOptions { HttpAddress = "127.0.0.1", HttpPort = port }), StringComparison.Ordinal);
        taken.Stop();
        Assert.Null(StartupErrors.CheckPort(new OperatorOptions { HttpAddress = "127.0.0.1", HttpPort = port }));
        Assert.Null(StartupErrors.CheckPort(new OperatorOptions { HttpAddress = "127.0.0.1", HttpPort = 0 }));
    }
}
