using AppKeys.Operator.Crds;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Local;
using k8s;

if (args is ["manifests", .. var rest])
{
    var output = rest is ["--output", var dir] ? dir : "config/crd/bases";
    foreach (var path in CrdWriter.WriteAll(output))
    {
        Console.WriteLine($"wrote {path}");
    }

    return 0;
}

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(OperatorOptionsParser.Usage);
    return 0;
}

OperatorOptions options;
try
{
    options = OperatorOptionsParser.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"appkeys-operator: {e.Message}");
    Console.Error.WriteLine(OperatorOptionsParser.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

if (options.Local)
{
    return await LocalMode.RunAsync(options, stop.Token);
}

var config = options.Kubeconfig is { } kubeconfig
    ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
    : KubernetesClientConfiguration.BuildDefaultConfig();
await OperatorHost.Build(options, config).RunAsync(stop.Token);
return 0;
