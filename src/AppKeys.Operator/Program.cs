using AppKeys.Operator.Crds;

if (args is ["manifests", ..])
{
    var output = args.Length >= 3 && args[1] == "--output" ? args[2] : "config/crd/bases";
    foreach (var path in CrdWriter.WriteAll(output))
    {
        Console.WriteLine($"wrote {path}");
    }

    return 0;
}

Console.Error.WriteLine("appkeys-operator: not implemented yet");
return 1;
