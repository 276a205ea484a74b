using AppKeys.Operator.Hosting;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Hosting;
using k8s;
using k8s.Exceptions;
using Microsoft.Extensions.Hosting;

// appkeys-operator: the image's entry point. Flags are documented in README ("Operator flags") and by --help.
var commandLine = new OperatorCommandLine(
    "appkeys-operator",
    "appkeys-operator: Applications and ApplicationKeys (appkeys.io/v1alpha1) to consumer keys, secrets and tokens in Secrets",
    Environment.GetEnvironmentVariable);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await commandLine.InvokeAsync(args, async (parsed, cancellationToken) =>
{
    var options = commandLine.Bind(parsed);
    // Read without reflection (the native executable cannot map YAML to objects by reflection).
    KubernetesClientConfiguration config;
    try
    {
        config = options.Kubeconfig is { } kubeconfig ? Kubeconfig.FromFile(kubeconfig) : Kubeconfig.Default();
    }
    catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException)
    {
        await Console.Error.WriteLineAsync($"appkeys-operator: kubeconfig: {e.Message}");
        return 1;
    }

    if (StartupErrors.CheckPort(options) is { } taken)
    {
        await Console.Error.WriteLineAsync($"appkeys-operator: {taken}");
        return 1;
    }

    try
    {
        // This process runs the operator and nothing else: it may return its start-up garbage to the OS (docs/runtime.md).
        await OperatorHost.Build(options, config, services => services.AddStartupMemoryTrim()).RunAsync(cancellationToken);
        return 0;
    }
    catch (Exception e) when (StartupErrors.Describe(e, options) is { } line)
    {
        await Console.Error.WriteLineAsync($"appkeys-operator: {line}");
        return 1;
    }
}, stop.Token);
