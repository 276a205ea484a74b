using System.CommandLine;
using AppKeys.Manifests;

// appkeys-manifests (`make manifests`): writes the CRDs generated from the operator's API types.
var output = new Option<string>("--output") { Description = "directory to write the CRDs to", DefaultValueFactory = _ => "config/crd/bases", HelpName = "DIR" };
var root = new RootCommand("appkeys-manifests: generate the appkeys.io CRDs from src/AppKeys.Operator/Apis") { output };
root.SetAction(parsed =>
{
    foreach (var path in CrdWriter.WriteAll(parsed.GetValue(output)!))
    {
        Console.WriteLine($"wrote {path}");
    }

    return 0;
});
return root.Parse(args).Invoke();
