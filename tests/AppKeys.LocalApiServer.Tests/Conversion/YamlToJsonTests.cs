using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Objects;
using YamlDotNet.Core;

namespace AppKeys.LocalApiServer.Tests.Conversion;

/// <summary>
/// YAML scalars and keys typed as kubectl 1.32 types them (sigs.k8s.io/yaml YAMLToJSON over go-yaml v2,
/// goyaml.v2/resolve.go). Every expected value below was observed with
/// <c>kubectl create --dry-run=client -o json -f</c> on a custom resource with x-kubernetes-preserve-unknown-fields.
/// </summary>
public sealed class YamlToJsonTests
{
    [Theory]
    // YAML 1.1 booleans in three casings, as go-yaml v2 resolves them for an interface{} target.
    [InlineData("yes", "true")]
    [InlineData("Yes", "true")]
    [InlineData("YES", "true")]
    [InlineData("y", "true")]
    [InlineData("Y", "true")]
    [InlineData("on", "true")]
    [InlineData("True", "true")]
    [InlineData("off", "false")]
    [InlineData("n", "false")]
    [InlineData("No", "false")]
    [InlineData("FALSE", "false")]
    [InlineData("tRUE", "\"tRUE\"")]
    [InlineData("NaN", "\"NaN\"")]
    // Nulls.
    [InlineData("~", "null")]
    [InlineData("", "null")]
    [InlineData("Null", "null")]
    // Integers: Go's ParseInt base 0 after removing underscores; a leading 0 is octal.
    [InlineData("0644", "420")]
    [InlineData("0x1F", "31")]
    [InlineData("0o17", "15")]
    [InlineData("0b101", "5")]
    [InlineData("-0x10", "-16")]
    [InlineData("1_000", "1000")]
    [InlineData("0_7", "7")]
    [InlineData("+12", "12")]
    [InlineData("-0", "0")]
    [InlineData("9223372036854775807", "9223372036854775807")]
    // Floats: go-yaml's pattern; 08 is not octal, so it is the float 8.
    [InlineData("08", "8")]
    [InlineData("1e3", "1000")]
    [InlineData(".5", "0.5")]
    [InlineData("-.5", "-0.5")]
    [InlineData("1.", "1")]
    [InlineData("0.1", "0.1")]
    [InlineData("1.5e-7", "1.5E-07")]
    [InlineData("99999999999999999999999", "1E+23")]
    [InlineData("12345678901234567890", "1.2345678901234567E+19")]
    // Not numbers: out of range for ParseFloat, sexagesimal, timestamps (go-yaml v2 keeps them as strings).
    [InlineData("1e400", "\"1e400\"")]
    [InlineData("12:30:00", "\"12:30:00\"")]
    [InlineData("2001-12-14", "\"2001-12-14\"")]
    [InlineData("2001-12-14T21:59:43.10Z", "\"2001-12-14T21:59:43.10Z\"")]
    [InlineData("1.2.3", "\"1.2.3\"")]
    [InlineData("abc", "\"abc\"")]
    // Anything quoted, block scalars and !!str are strings.
    [InlineData("\"yes\"", "\"yes\"")]
    [InlineData("'0644'", "\"0644\"")]
    [InlineData("!!str 12", "\"12\"")]
    [InlineData("|\n  yes\n", "\"yes\\n\"")]
    [InlineData(">-\n  on\n", "\"on\"")]
    public void Scalars_are_typed_as_kubectl_types_them(string yaml, string json)
    {
        var node = YamlToJson.Convert("v: " + yaml)!;
        Assert.Equal(json, node["v"]?.ToJsonString() ?? "null");
        // Values are plain JSON values: typed reads work as on parsed JSON.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), node["v"]), $"{json} vs {node["v"]?.ToJsonString()}");
        switch (node["v"]?.GetValueKind())
        {
            case JsonValueKind.String:
                Assert.Equal(JsonNode.Parse(json)!.GetValue<string>(), node["v"]!.GetValue<string>());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.Equal(json == "true", node["v"]!.GetValue<bool>());
                break;
            case JsonValueKind.Number when long.TryParse(json, CultureInfo.InvariantCulture, out var integer):
                Assert.Equal(integer, node["v"]!.GetValue<long>());
                break;
            case JsonValueKind.Number:
                Assert.Equal(JsonNode.Parse(json)!.GetValue<double>(), node["v"]!.GetValue<double>());
                break;
            default:
                Assert.Equal("null", json);
                break;
        }
    }

    [Theory]
    [InlineData("on: a", "true")]
    [InlineData("y: a", "true")]
    [InlineData("no: a", "false")]
    [InlineData("7: a", "7")]
    [InlineData("0x10: a", "16")]
    [InlineData("1.5: a", "1.5")]
    [InlineData("1e6: a", "1e+06")]
    [InlineData("100000.0: a", "100000")]
    [InlineData("0.0001: a", "0.0001")]
    [InlineData("0.00001: a", "1e-05")]
    [InlineData("\"on\": a", "on")]
    public void Keys_resolve_and_are_written_as_strings(string yaml, string key)
    {
        var node = YamlToJson.Convert(yaml)!.AsObject();
        Assert.Equal(key, Assert.Single(node).Key);
    }

    [Fact]
    public void Merge_keys_apply_in_order_like_go_yaml_v2()
    {
        var node = YamlToJson.Convert("""
            base: &b {x: 1, z: 2}
            after: {<<: *b, z: 3}
            before: {z: 3, <<: *b}
            list: {<<: [{a: 1}, {a: 2, b: 2}]}
            """)!;
        Assert.Equal("""{"x":1,"z":3}""", node["after"]!.ToJsonString());
        Assert.Equal("""{"z":2,"x":1}""", node["before"]!.ToJsonString());
        Assert.Equal("""{"a":1,"b":2}""", node["list"]!.ToJsonString());
    }

    [Theory]
    [InlineData("v: .nan")]
    [InlineData("v: -.inf")]
    [InlineData("~: a")]
    [InlineData("12345678901234567890: a")]
    [InlineData("v: !!int abc")]
    public void Values_JSON_cannot_hold_are_errors(string yaml) =>
        Assert.ThrowsAny<YamlException>(() => YamlToJson.Convert(yaml));

    [Fact]
    public void Streams_give_every_document_in_order()
    {
        var documents = YamlToJson.ConvertAll("a: 1\n---\n---\nb: [yes, '2']\n");
        Assert.Equal(3, documents.Count);
        Assert.Equal("""{"a":1}""", documents[0]!.ToJsonString());
        Assert.Null(documents[1]);
        Assert.Equal("""{"b":[true,"2"]}""", documents[2]!.ToJsonString());
        Assert.Empty(YamlToJson.ConvertAll(""));
        Assert.Null(YamlToJson.Convert(""));
    }
}
