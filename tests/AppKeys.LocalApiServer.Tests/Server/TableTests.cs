using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>Table output for kubectl get / get -w (apiserver pkg/endpoints/handlers/response.go, watch.go).</summary>
public sealed class TableTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    [Fact]
    public async Task List_and_get_answer_Tables_when_asked()
    {
        var ns = await fx.NewNamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "s" }, StringData = new Dictionary<string, string> { ["a"] = "b" } }, ns);
        var (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets", accept: TableAccept);
        Assert.Equal(200, code);
        Assert.Equal("Table", body!["kind"]!.GetValue<string>());
        Assert.Equal("meta.k8s.io/v1", body["apiVersion"]!.GetValue<string>());
        Assert.Equal(["Name", "Type", "Data", "Age"], body["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var row = body["rows"]![0]!;
        Assert.Equal("s", row["cells"]![0]!.GetValue<string>());
        Assert.Equal("PartialObjectMetadata", row["object"]!["kind"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["metadata"]!["resourceVersion"]!.GetValue<string>()));

        (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/s?includeObject=None", accept: TableAccept);
        Assert.Equal(200, code);
        Assert.Null(body!["rows"]![0]!["object"]);

        (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets?includeObject=Everything", accept: TableAccept);
        Assert.Equal(400, code);
        Assert.Equal("BadRequest", body!["reason"]!.GetValue<string>());

        // kubectl describe asks protobuf first: JSON is the answer, never 406.
        (code, body, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/events", accept: "application/vnd.kubernetes.protobuf,application/json");
        Assert.Equal(200, code);
        Assert.Equal("EventList", body!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_tables_send_column_definitions_only_first()
    {
        var ns = await fx.NewNamespaceAsync();
        var (_, list, _) = await fx.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps", accept: TableAccept);
        var rv = list!["metadata"]!["resourceVersion"]!.GetValue<string>();
        await using var watch = await WatchStream.OpenAsync(fx.Http, $"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={rv}", TableAccept);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "a" } }, ns);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "b" } }, ns);
        var first = await watch.NextAsync();
        Assert.Equal("Table", first!["object"]!["kind"]!.GetValue<string>());
        Assert.NotEmpty(first["object"]!["columnDefinitions"]!.AsArray());
        Assert.Single(first["object"]!["rows"]!.AsArray());
        var second = await watch.NextAsync();
        var columns = second!["object"]!["columnDefinitions"];
        Assert.True(columns is null || columns.AsArray().Count == 0);
        Assert.Equal("b", second["object"]!["rows"]![0]!["cells"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Crd_printer_columns_are_used()
    {
        var group = "t" + Guid.NewGuid().ToString("N")[..8] + ".example.com";
        var crd = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = $"gadgets.{group}" },
            ["spec"] = JsonNode.Parse("""
                {"group":"__GROUP__","scope":"Namespaced","names":{"plural":"gadgets","kind":"Gadget"},
                 "versions":[{"name":"v1","served":true,"storage":true,
                   "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"}],
                   "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}
                """.Replace("__GROUP__", group, StringComparison.Ordinal)),
        };
        Assert.Equal(201, (await fx.SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd.ToJsonString())).Code);
        var ns = await fx.NewNamespaceAsync();
        await fx.SendAsync(HttpMethod.Post, $"/apis/{group}/v1/namespaces/{ns}/gadgets", """{"metadata":{"name":"g"},"spec":{"size":4}}""");
        var (_, body, _) = await fx.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/namespaces/{ns}/gadgets", accept: TableAccept);
        Assert.Equal(["Name", "Size"], body!["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(4, body["rows"]![0]!["cells"]![1]!.GetValue<int>());
    }
}
