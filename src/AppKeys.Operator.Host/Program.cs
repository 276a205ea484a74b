using AppKeys.Operator.Hosting;
using k8s;
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
    var config = options.Kubeconfig is { } kubeconfig
        ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
        : KubernetesClientConfiguration.BuildDefaultConfig();
    if (StartupErrors.CheckPort(options) is { } taken)
    {
        await Console.Error.WriteLineAsync($"appkeys-operator: {taken}");
        return 1;
    }

    try
    {
        await OperatorHost.Build(options, config).RunAsync(cancellationToken);
        return 0;
    }
    catch (Exception e) when (StartupErrors.Describe(e, options) is { } line)
    {
        await Console.Error.WriteLineAsync($"appkeys-operator: {line}");
        return 1;
    }
}, stop.Token);
