using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Schema;
using static AppKeys.LocalApiServer.Tests.Support.TestResources;

namespace AppKeys.LocalApiServer.Tests.Schema;

public class CustomResourceDefinitionValidatorTests
{
    private const string Valid = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"applicationkeys.appkeys.io"},
         "spec":{"group":"appkeys.io","scope":"Namespaced",
                 "names":{"plural":"applicationkeys","singular":"applicationkey","kind":"ApplicationKey","listKind":"ApplicationKeyList","shortNames":["ak"],"categories":["all"]},
                 "versions":[{"name":"v1alpha1","served":true,"storage":true,
                              "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"a":{"type":"string"}}}}}},
                              "additionalPrinterColumns":[{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}]}]}}
        """;

    private static List<string> Errors(Action<JsonObject> mutate)
    {
        var crd = Json(Valid).AsObject();
        mutate(crd);
        return CustomResourceDefinitionValidator.Validate(crd).Select(e => $"{e.Reason}|{e}").ToList();
    }

    [Fact]
    public void Accepts_a_valid_definition() => Assert.Empty(Errors(_ => { }));

    public static TheoryData<string, string, string> Cases => new()
    {
        { "/metadata/name", "\"keys.appkeys.io\"", "FieldValueInvalid|metadata.name: Invalid value: \"keys.appkeys.io\": must be spec.names.plural+\".\"+spec.group" },
        { "/spec/group", "\"appkeys\"", "FieldValueInvalid|spec.group: Invalid value: \"appkeys\": should be a domain with at least one dot" },
        { "/spec/scope", "\"Global\"", "FieldValueNotSupported|spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"" },
        { "/spec/scope", "\"\"", "FieldValueRequired|spec.scope: Required value" },
        { "/spec/names/kind", "\"\"", "FieldValueRequired|spec.names.kind: Required value" },
        { "/spec/names/listKind", "\"ApplicationKey\"", "FieldValueInvalid|spec.names.listKind: Invalid value: \"ApplicationKey\": kind and listKind may not be the same" },
        { "/spec/names/shortNames", "[\"A K\"]", "FieldValueInvalid|spec.names.shortNames[0]: Invalid value: \"A K\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')" },
        { "/spec/versions/0/storage", "false", "FieldValueInvalid|spec.versions: Invalid value: " },
        { "/spec/versions/0/schema", "{}", "FieldValueRequired|spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required" },
        { "/spec/versions/0/schema/openAPIV3Schema/type", "\"string\"", "FieldValueInvalid|spec.versions[0].schema.openAPIV3Schema.type: Invalid value: \"string\": must be object at the root" },
        { "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/a", "{}", "FieldValueRequired|spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[a].type: Required value: must not be empty for specified object fields" },
        { "/spec/versions/0/additionalPrinterColumns/0/type", "\"time\"", "FieldValueInvalid|spec.versions[0].additionalPrinterColumns[0].type: Invalid value: \"time\": must be one of boolean,date,integer,number,string" },
        { "/spec/versions/0/name", "\"V1\"", "FieldValueInvalid|spec.versions[0].name: Invalid value: \"V1\": a DNS-1035 label" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rejects_like_kube(string pointer, string value, string expectedPrefix)
    {
        var errors = Errors(crd => Set(crd, pointer, JsonNode.Parse(value)));
        Assert.Contains(errors, e => e.StartsWith(expectedPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void Requires_versions_and_unique_names()
    {
        Assert.Contains("FieldValueRequired|spec.versions: Required value: must have exactly one version marked as storage version",
            Errors(crd => crd["spec"]!["versions"] = new JsonArray()));
        var duplicate = Errors(crd =>
        {
            var versions = crd["spec"]!["versions"]!.AsArray();
            var copy = versions[0]!.DeepClone();
            copy["storage"] = false;
            versions.Add(copy);
        });
        Assert.Contains(duplicate, e => e.EndsWith(": must contain unique version names", StringComparison.Ordinal));
    }

    private static void Set(JsonObject root, string pointer, JsonNode? value)
    {
        var parts = pointer.Trim('/').Split('/');
        JsonNode node = root;
        foreach (var part in parts[..^1])
        {
            node = node is JsonArray a ? a[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]! : node[part]!;
        }

        if (node is JsonArray arr)
        {
            arr[int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            node[parts[^1]] = value;
        }
    }
}
