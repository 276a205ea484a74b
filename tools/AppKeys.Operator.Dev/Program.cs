using System.CommandLine;
using AppKeys.Operator.Dev;
using AppKeys.Operator.Hosting;

// appkeys-operator-dev (`make run`): the local API server and the operator in one process. Takes every flag of
// appkeys-operator (README, "Operator flags") plus the ones below; the operator's HTTP port binds 127.0.0.1 here.
var commandLine = new OperatorCommandLine(
    "appkeys-operator-dev",
    "appkeys-operator-dev: a local Kubernetes API server with the CRDs and samples, and the operator against it (make run)",
    Environment.GetEnvironmentVariable);
var samples = new Option<string>("--samples") { Description = "manifests applied at start", DefaultValueFactory = _ => "config/samples", HelpName = "DIR" };
var crds = new Option<string>("--crds") { Description = "CRDs installed at start", DefaultValueFactory = _ => "config/crd/bases", HelpName = "DIR" };
var dataDir = new Option<string?>("--local-data-dir") { Description = "keep the local API server's state in DIR across runs (default: in memory)", HelpName = "DIR" };
var rbac = new Option<bool>("--local-rbac") { Description = "enforce RBAC, apply --rbac and run the operator as its ServiceAccount, as in a cluster" };
var rbacDir = new Option<string>("--rbac") { Description = "the RBAC kustomization --local-rbac applies", DefaultValueFactory = _ => "config/rbac", HelpName = "DIR" };
dataDir.Validators.Add(r =>
{
    if (r.GetValueOrDefault<string?>() is { Length: 0 })
    {
        r.AddError("--local-data-dir must not be empty");
    }
});
foreach (var option in new Option[] { samples, crds, dataDir, rbac, rbacDir })
{
    commandLine.Command.Options.Add(option);
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await commandLine.InvokeAsync(args, async (parsed, cancellationToken) =>
{
    var operatorOptions = commandLine.Bind(parsed);
    operatorOptions.HttpAddress = "127.0.0.1";
    if (StartupErrors.CheckPort(operatorOptions) is { } taken)
    {
        await Console.Error.WriteLineAsync($"appkeys-operator-dev: {taken}");
        return 1;
    }

    try
    {
        return await LocalMode.RunAsync(
        new DevOptions
        {
            Operator = operatorOptions,
            SamplesDirectory = parsed.GetValue(samples)!,
            CrdDirectory = parsed.GetValue(crds)!,
            LocalDataDirectory = parsed.GetValue(dataDir),
            LocalRbac = parsed.GetValue(rbac),
            RbacDirectory = parsed.GetValue(rbacDir)!,
        },
        cancellationToken);
    }
    catch (Exception e) when (StartupErrors.Describe(e, operatorOptions) is { } line)
    {
        await Console.Error.WriteLineAsync($"appkeys-operator-dev: {line}");
        return 1;
    }
}, stop.Token);
