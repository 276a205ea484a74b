using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>
/// Metadata is decoded into the typed ObjectMeta before anything else, so a label or annotation value that is not a
/// string is a decoding error, never a stored "5": 400 for create and update (handlers' transformDecodeError around
/// Go's UnmarshalTypeError), 422 on the <c>patch</c> field for patches. Built-ins name the field from the object
/// root (<c>ObjectMeta.metadata.labels</c>) and report the first error in document order; custom resources decode
/// metadata alone after re-marshalling it with sorted keys (<c>ObjectMeta.labels</c>, apiextensions
/// <c>objectmeta.GetObjectMetaWithOptions</c>).
/// </summary>
public sealed class MetadataDecodingTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    [Theory]
    [InlineData("""{"labels":{"a":5}}""", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")]
    [InlineData("""{"labels":{"a":"x","b":true}}""", "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string")]
    [InlineData("""{"annotations":{"a":{"b":"c"}}}""", "json: cannot unmarshal object into Go struct field ObjectMeta.metadata.annotations of type string")]
    [InlineData("""{"labels":"a=b"}""", "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string")]
    [InlineData("""{"labels":{"z":1},"annotations":{"a":[]}}""", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")]
    [InlineData("""{"finalizers":[7]}""", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.finalizers of type string")]
    public async Task A_built_in_whose_metadata_does_not_decode_is_400_and_not_stored(string metadataFields, string goError)
    {
        var ns = await fx.NewNamespaceAsync();
        var metadata = JsonNode.Parse(metadataFields)!.AsObject();
        metadata.Insert(0, "name", "c1");
        var body = new JsonObject { ["metadata"] = metadata }.ToJsonString();

        var (code, status, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", body);

        AssertBadRequest(code, status, $"ConfigMap in version \"v1\" cannot be handled as a ConfigMap: {goError}");
        Assert.Equal(404, (await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/c1")).Code);
    }

    [Theory]
    [InlineData("configmaps", "ConfigMap", """{"metadata":{"name":"x"},"data":{"a":5}}""", "json: cannot unmarshal number into Go struct field ConfigMap.data of type string")]
    [InlineData("configmaps", "ConfigMap", """{"metadata":{"name":"x"},"binaryData":{"a":true}}""", "json: cannot unmarshal bool into Go struct field ConfigMap.binaryData of type []uint8")]
    [InlineData("configmaps", "ConfigMap", """{"metadata":{"name":"x"},"immutable":"true"}""", "json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool")]
    [InlineData("configmaps", "ConfigMap", """{"data":[],"metadata":{"name":"x","labels":{"a":1}}}""", "json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string")]
    [InlineData("configmaps", "ConfigMap", """{"metadata":"x"}""", "json: cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta")]
    [InlineData("configmaps", "ConfigMap", """{"metadata":{"name":"x"},"binaryData":{"a":"AA==","b":"A%AA"}}""", "illegal base64 data at input byte 1")]
    [InlineData("secrets", "Secret", """{"metadata":{"name":"x"},"data":{"a":"YW Jj"}}""", "illegal base64 data at input byte 2")]
    [InlineData("secrets", "Secret", """{"metadata":{"name":"x"},"data":{"a":"AA="}}""", "illegal base64 data at input byte 3")]
    [InlineData("secrets", "Secret", """{"metadata":{"name":"x"},"data":{"a":5}}""", "json: cannot unmarshal number into Go struct field Secret.data of type []uint8")]
    [InlineData("secrets", "Secret", """{"metadata":{"name":"x"},"stringData":{"a":5}}""", "json: cannot unmarshal number into Go struct field Secret.stringData of type string")]
    [InlineData("secrets", "Secret", """{"metadata":{"name":"x"},"type":1}""", "json: cannot unmarshal number into Go struct field Secret.type of type v1.SecretType")]
    public async Task Typed_fields_of_ConfigMap_and_Secret_are_decoded_in_document_order(string plural, string kind, string body, string goError)
    {
        var ns = await fx.NewNamespaceAsync();

        var (code, status, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/{plural}", body);

        AssertBadRequest(code, status, $"{kind} in version \"v1\" cannot be handled as a {kind}: {goError}");
    }

    [Fact]
    public async Task A_null_label_or_annotation_value_is_stored_as_the_empty_string()
    {
        var ns = await fx.NewNamespaceAsync();
        var path = $"/api/v1/namespaces/{ns}/configmaps";

        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, path, """{"metadata":{"name":"c1","labels":{"a":null,"b":"x"},"annotations":{"n":null}}}""");

        Assert.True(code == 201, body?.ToJsonString());
        Assert.Equal("""{"a":"","b":"x"}""", body!["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("""{"n":""}""", body["metadata"]!["annotations"]!.ToJsonString());
        (code, body, _) = await fx.SendAsync(HttpMethod.Get, path + "?labelSelector=a%3D");
        Assert.Equal(200, code);
        Assert.Single(body!["items"]!.AsArray());
    }

    [Fact]
    public async Task Updates_and_patches_of_a_built_in_are_rejected_too()
    {
        var ns = await fx.NewNamespaceAsync();
        var path = $"/api/v1/namespaces/{ns}/configmaps";
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, path, """{"metadata":{"name":"c1","labels":{"a":"1"}}}""");
        Assert.True(code == 201, body?.ToJsonString());

        (code, body, _) = await fx.SendAsync(HttpMethod.Put, path + "/c1", """{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c1","labels":{"a":2}}}""");
        AssertBadRequest(code, body, "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string");

        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, path + "/c1", """{"metadata":{"labels":{"a":3}}}""", "application/merge-patch+json");
        Assert.True(code == 422, body?.ToJsonString());
        Assert.Equal("Invalid", body!["reason"]!.GetValue<string>());
        var message = body["message"]!.GetValue<string>();
        Assert.StartsWith(" \"\" is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"v1\\\",\\\"kind\\\":\\\"ConfigMap\\\",\\\"metadata\\\":{", message);
        Assert.EndsWith("}\": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string", message);
        Assert.Equal("patch", body["details"]!["causes"]![0]!["field"]!.GetValue<string>());

        (code, body, _) = await fx.SendAsync(HttpMethod.Get, path + "/c1");
        Assert.Equal(200, code);
        Assert.Equal("1", body!["metadata"]!["labels"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_custom_resource_decodes_metadata_alone_with_sorted_keys()
    {
        var group = await fx.CreateCrdAsync("Gizmo");
        int code;
        JsonNode? body;
        var ns = await fx.NewNamespaceAsync();
        var gizmos = $"/apis/{group}/v1/namespaces/{ns}/gizmos";
        string Gizmo(string metadata) =>
            """{"apiVersion":"GROUP/v1","kind":"Gizmo","metadata":META,"spec":{}}""".Replace("GROUP", group, StringComparison.Ordinal).Replace("META", metadata, StringComparison.Ordinal);

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, gizmos, Gizmo("""{"name":"g1","labels":{"a":5}}"""));
        AssertBadRequest(code, body, "Gizmo in version \"v1\" cannot be handled as a Gizmo: json: cannot unmarshal number into Go struct field ObjectMeta.labels of type string");

        // Sorted keys: annotations is decoded before labels whatever the body's order.
        (code, body, _) = await fx.SendAsync(HttpMethod.Post, gizmos, Gizmo("""{"name":"g1","labels":{"a":5},"annotations":{"n":false}}"""));
        AssertBadRequest(code, body, "Gizmo in version \"v1\" cannot be handled as a Gizmo: json: cannot unmarshal bool into Go struct field ObjectMeta.annotations of type string");
        Assert.Equal(404, (await fx.SendAsync(HttpMethod.Get, gizmos + "/g1")).Code);

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, gizmos, Gizmo("""{"name":"g1","labels":{"a":"5"}}"""));
        Assert.True(code == 201, body?.ToJsonString());
        (code, body, _) = await fx.SendAsync(HttpMethod.Patch, gizmos + "/g1", """{"metadata":{"labels":{"a":6}}}""", "application/merge-patch+json");
        Assert.True(code == 422, body?.ToJsonString());
        Assert.EndsWith("}\": json: cannot unmarshal number into Go struct field ObjectMeta.labels of type string", body!["message"]!.GetValue<string>());
    }

    private static void AssertBadRequest(int code, JsonNode? status, string message)
    {
        Assert.True(code == 400, $"expected 400, got {code}: {status?.ToJsonString()}");
        Assert.Equal("Status", status!["kind"]!.GetValue<string>());
        Assert.Equal("BadRequest", status["reason"]!.GetValue<string>());
        Assert.Equal(400, status["code"]!.GetValue<int>());
        Assert.Equal(message, status["message"]!.GetValue<string>());
    }
}
